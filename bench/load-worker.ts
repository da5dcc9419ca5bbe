/**
 * The load generator process, forked by bench/run.ts so that no target shares a process (or an
 * event loop) with the client measuring it. One job at a time over IPC.
 */
import { closePools, runClosed, runOpen } from './load.js';
import { loadJobSchema, type WorkerMessage } from './load-protocol.js';

function reply(message: WorkerMessage): void {
  process.send?.(message);
}

process.on('message', (raw: unknown) => {
  const job = loadJobSchema.safeParse(raw);
  if (!job.success) {
    reply({ type: 'error', message: `bad job: ${job.error.message}` });
    return;
  }
  const running = job.data.kind === 'closed' ? runClosed(job.data) : runOpen(job.data);
  running.then(
    (tallies) => reply({ type: 'result', tallies }),
    (error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});

process.on('disconnect', () => {
  void closePools().finally(() => process.exit(0));
});

reply({ type: 'ready' });
