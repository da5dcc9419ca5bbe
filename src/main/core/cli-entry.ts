#!/usr/bin/env node
/**
 * The CLI as `npm run serve` and bin/switchyard.mjs run it (out/cli/switchyard.mjs). V8 sets its
 * first old-generation limit at a full GC while the gateway's modules load, so the heap settings
 * of `serve` (heap-growth.ts) are made before they are imported; the CLI itself comes in after it.
 */
import { limitHeapGrowth } from './heap-growth.js';

if (process.argv[2] === 'serve') limitHeapGrowth();
await import('./cli.js');
