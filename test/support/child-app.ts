import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './http-util.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The real app as its own process (`src/main.ts` through tsx), for kill -9 and multi-instance tests. */
export class ChildApp {
  readonly lines: string[] = [];
  port: number | undefined;
  private readonly child: ChildProcess;
  exited = false;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        const port = line.match(/"msg":"asset-audit is running".*"port":(\d+)/)?.[1];
        if (port) this.port = Number(port);
      }
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
    this.child.on('exit', () => {
      this.exited = true;
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async ready(timeoutMs = 20_000): Promise<this> {
    await waitFor(
      () =>
        this.port ??
        (this.exited
          ? (() => {
              throw new Error(`app exited:\n${this.lines.join('\n')}`);
            })()
          : undefined),
      timeoutMs,
      'app start',
    );
    return this;
  }

  said(text: string): boolean {
    return this.lines.some((line) => line.includes(text));
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async exit(timeoutMs = 10_000): Promise<void> {
    await waitFor(() => (this.exited ? true : undefined), timeoutMs, 'app exit');
  }
}
