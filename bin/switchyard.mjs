#!/usr/bin/env node
// The CLI as built by scripts/build-core.mjs, which `npm install` runs (the `prepare` script).
await import('../out/cli/switchyard.mjs');
