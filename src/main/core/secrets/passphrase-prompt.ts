import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { isatty, ReadStream, WriteStream } from 'node:tty';

/**
 * The controlling terminal (/dev/tty), not stdin: `keys set` reads the secret itself
 * from stdin, and a passphrase typed there would mix with it.
 */
export interface PassphraseTerminal {
  /** Asks with echo off; undefined when the user gives up (Ctrl-D or Ctrl-C). */
  askHidden(question: string): Promise<string | undefined>;
  say(line: string): void;
  close(): void;
}

/**
 * The terminal, when a person is at one: a standard stream is a TTY and the process has a
 * controlling terminal. Otherwise (service managers, CI, test harnesses, `cmd </dev/null >log 2>&1 &`)
 * undefined, so nothing ever waits for an answer nobody can give.
 */
export function openControllingTerminal(): PassphraseTerminal | undefined {
  if (![0, 1, 2].some((fd) => isatty(fd))) return undefined;
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync('/dev/tty', 'r');
  } catch {
    return undefined;
  }
  try {
    writeFd = openSync('/dev/tty', 'w');
  } catch {
    new ReadStream(readFd).destroy();
    return undefined;
  }
  const input = new ReadStream(readFd);
  const output = new WriteStream(writeFd);
  // readline echoes what is typed to its output; this one drops it.
  const noEcho = new Writable({ write: (_chunk, _encoding, done) => done() });

  return {
    askHidden(question) {
      // Created before the question is shown, so raw mode (echo off) is on before anything is typed.
      const rl = createInterface({ input, output: noEcho, terminal: true, historySize: 0 });
      output.write(question);
      return new Promise((resolve) => {
        let answer: string | undefined;
        rl.once('line', (line) => {
          answer = line;
          rl.close();
        });
        rl.once('SIGINT', () => rl.close());
        rl.once('close', () => {
          output.write('\n');
          resolve(answer);
        });
      });
    },
    say(line) {
      output.write(`${line}\n`);
    },
    close() {
      input.destroy();
      output.destroy();
    },
  };
}
