/** The parent's side of the load generator: one forked process, one job at a time. */
import type { ChildProcess } from 'node:child_process';
import { benchScript, forkNode, stopChild } from './children.js';
import { workerMessageSchema, type LoadJob, type TargetTally } from './load-protocol.js';

/** Over a job's own duration; the worker drains in-flight requests for at most 10 s itself. */
const jobOverrunMs = 30_000;

export class LoadClient {
  private constructor(private readonly worker: ChildProcess) {}

  static async start(): Promise<LoadClient> {
    const worker = forkNode(benchScript('load-worker'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('load generator not ready after 30 s')), 30_000);
      worker.once('message', (raw: unknown) => {
        clearTimeout(timer);
        const message = workerMessageSchema.safeParse(raw);
        if (message.success && message.data.type === 'ready') resolve();
        else reject(new Error('load generator sent no ready message'));
      });
      worker.once('exit', (code) => reject(new Error(`load generator exited (code ${code}) before it was ready`)));
    });
    return new LoadClient(worker);
  }

  run(job: LoadJob): Promise<TargetTally[]> {
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('exit', onExit);
      };
      const onMessage = (raw: unknown): void => {
        cleanup();
        const message = workerMessageSchema.safeParse(raw);
        if (!message.success) reject(new Error(`load generator sent an unreadable message: ${message.error.message}`));
        else if (message.data.type === 'result') resolve(message.data.tallies);
        else if (message.data.type === 'error') reject(new Error(`load generator: ${message.data.message}`));
        else reject(new Error('load generator sent ready twice'));
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`load generator exited (code ${code}) mid-job`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`load job ${job.kind} ran over by ${jobOverrunMs} ms`));
      }, job.durationMs + jobOverrunMs);
      this.worker.on('message', onMessage);
      this.worker.once('exit', onExit);
      this.worker.send(job);
    });
  }

  async stop(): Promise<void> {
    this.worker.disconnect();
    await stopChild(this.worker, 5_000);
  }
}
