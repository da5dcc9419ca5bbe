/**
 * Imported first by the desktop main process (index.ts): the gateway's heap settings (core/heap-growth.ts)
 * are made before the bundled modules after it load, since V8 sets its first old-generation limit at
 * a full GC during that load.
 */
import { limitHeapGrowth } from '../core/heap-growth.js';

limitHeapGrowth();
