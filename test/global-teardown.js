// After every test: nothing the tests made on the machine stays behind. The SFTP tests create a
// system user for their chrooted sshd (test/sftp-server.ts); it goes with the run.
const { execFileSync } = require('child_process');

module.exports = async () => {
  // Named by global-setup.js for this run alone.
  const SFTP_TEST_USER = process.env.EDI_GATEWAY_SFTP_TEST_USER;
  if (!SFTP_TEST_USER || process.getuid?.() !== 0) return;
  try {
    execFileSync('id', ['-u', SFTP_TEST_USER], { stdio: 'ignore' });
  } catch {
    return; // never made
  }
  try {
    execFileSync('userdel', [SFTP_TEST_USER], { stdio: 'ignore' });
  } catch (err) {
    process.stderr.write(`edi-gateway tests: could not remove the SFTP test user ${SFTP_TEST_USER}: ${err.message}\n`);
  }
};
