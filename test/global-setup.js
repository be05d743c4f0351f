// Before any test: compile dist/ (the CLI tests run bin/edi-gateway.js), and on a fresh Debian
// machine run as root, install what the real-peer tests need from the operating system, loudly.
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Debian packages the real-peer tests use, each with the file that shows it is there. */
const PACKAGES = [
  { pkg: 'openssh-server', file: '/usr/sbin/sshd', why: 'the SFTP tests run OpenSSH\'s own sshd' },
  { pkg: 'openssl', file: null, command: 'openssl', why: 'the AS2 tests use `openssl cms` as the partner' },
  { pkg: 'chromium', file: '/usr/bin/chromium', why: 'the dashboard test drives Debian\'s chromium through playwright-core' },
];

function have(p) {
  if (p.file) return fs.existsSync(p.file);
  try {
    execFileSync('sh', ['-c', `command -v ${p.command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function installMissing() {
  const missing = PACKAGES.filter((p) => !have(p));
  if (!missing.length) return;
  const names = missing.map((p) => p.pkg).join(' ');
  const canApt = process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get') && process.env.EDI_GATEWAY_TEST_NO_INSTALL !== '1';
  if (!canApt) {
    process.stderr.write(`\nedi-gateway tests: missing Debian package(s) ${names} (${missing.map((p) => p.why).join('; ')}); `
      + 'those tests will fail saying so. Install them as root: apt-get install -y ' + names + '\n');
    return;
  }
  process.stderr.write(`\nedi-gateway tests: installing ${names} with apt-get (${missing.map((p) => p.why).join('; ')}) ...\n`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.pkg)], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (err) {
    process.stderr.write(`edi-gateway tests: could not install ${names}: ${err.message}; those tests will fail saying so\n`);
  }
}

module.exports = async () => {
  // The SFTP tests' system user, one per run: global-teardown.js removes it, and a second jest run
  // on the same machine (a developer's targeted run beside CI) must not remove the first one's.
  process.env.EDI_GATEWAY_SFTP_TEST_USER ??= `edisftp${Math.random().toString(36).slice(2, 8)}`;
  // Every tempDir() of this run (homes with an embedded store of 64 MB each) under one folder,
  // which global-teardown.js removes: a few local runs used to fill the disk.
  if (!process.env.EDI_GATEWAY_TEST_TMP) {
    process.env.EDI_GATEWAY_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-gateway-tests-'));
    fs.chmodSync(process.env.EDI_GATEWAY_TEST_TMP, 0o755);
  }
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  installMissing();
};
