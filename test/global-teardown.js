// After every test: nothing the tests made on the machine stays behind: their temporary folders,
// and the system user the SFTP tests create for their chrooted sshd (test/sftp-server.ts).
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

module.exports = async () => {
  // The run's temporary folders (global-setup.js), and only this run's.
  const tmp = process.env.EDI_GATEWAY_TEST_TMP;
  if (tmp && path.basename(tmp).startsWith('edi-gateway-tests-')) fs.rmSync(tmp, { recursive: true, force: true });
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
