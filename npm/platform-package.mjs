// Writes the package.json and README of one platform package of nango-dev (make npm-packages):
// node platform-package.mjs linux-x64 dist/npm/nango-dev-linux-x64
// The version is the launcher's, which pins each platform package to exactly that version.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [platform, dir] = process.argv.slice(2);
const launcher = JSON.parse(readFileSync(new URL('./nango-dev/package.json', import.meta.url), 'utf8'));
const name = `nango-dev-${platform}`;
if (launcher.optionalDependencies[name] !== launcher.version) {
    console.error(`npm/nango-dev/package.json: optionalDependencies["${name}"] must be "${launcher.version}", the launcher's version`);
    process.exit(1);
}
const [os, cpu] = platform.split('-');
const binary = os === 'win32' ? 'bin/nango-dev.exe' : 'bin/nango-dev';
const pkg = {
    name,
    version: launcher.version,
    description: `The nango-dev binary for ${os} ${cpu}; install nango-dev, which picks it.`,
    os: [os],
    cpu: [cpu],
    files: [binary, 'README.md'],
    // Package managers that can (Yarn PnP) leave it unzipped: it is run, not imported.
    preferUnplugged: true,
    license: launcher.license,
    engines: launcher.engines,
};
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(join(dir, 'README.md'), `# ${name}\n\n${pkg.description}\n`);
