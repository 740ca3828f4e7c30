import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { prettyFactory } from 'pino-pretty';
import { REPO_ROOT } from './paths';

const TAIL_LINES = 40;
const ROTATE_BYTES = 50 * 1024 * 1024;

export interface ProcessExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  lastLines: string[];
}

export interface LogOutput {
  /** Pretty-print every JSON log line to the terminal (pino-pretty). */
  pretty: boolean;
  /** Print nothing of this process to the terminal (its log file still gets everything). */
  quiet: boolean;
  write: (text: string) => void;
}

/**
 * One child process of the stack: `node <entry>` for a built entry (`dist/*.js`), `node --import
 * tsx <entry>` for a TypeScript one, its JSON log appended to `<logDir>/<name>.log`, the last lines
 * kept for a crash report.
 */
export class ManagedProcess {
  readonly logFile: string;
  private child?: ChildProcess;
  private readonly tail: string[] = [];
  private stream?: fs.WriteStream;
  private exitInfo?: ProcessExit;
  private readonly exitWaiters: ((e: ProcessExit) => void)[] = [];
  private stopping = false;
  private readonly format?: (line: string) => string;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    logDir: string,
    private readonly output: LogOutput,
    /** Extra Node options before the loader (e.g. `--cpu-prof`). */
    private readonly nodeArgs: string[] = [],
  ) {
    this.logFile = path.join(logDir, `${name}.log`);
    if (output.pretty) {
      this.format = prettyFactory({
        colorize: process.stdout.isTTY ?? false,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      }) as (line: string) => string;
    }
  }

  start(): void {
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    // Appended across runs; one previous generation is kept once it grows large.
    if ((fs.statSync(this.logFile, { throwIfNoEntry: false })?.size ?? 0) > ROTATE_BYTES) {
      fs.renameSync(this.logFile, `${this.logFile}.1`);
    }
    this.stream = fs.createWriteStream(this.logFile, { flags: 'a' });
    // Own process group: a Ctrl-C in the terminal reaches only the start command, which then
    // sends each child one SIGTERM (a second signal would make a service exit at once).
    const loader = this.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
    this.child = spawn(process.execPath, [...this.nodeArgs, ...loader, this.entry], {
      cwd: REPO_ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.pipeLines(this.child.stdout!, false);
    this.pipeLines(this.child.stderr!, true);
    this.child.on('close', (code, signal) => {
      this.exitInfo = { name: this.name, code, signal, lastLines: [...this.tail] };
      // Let the last lines reach the file before anyone reads it.
      const done = () => this.exitWaiters.splice(0).forEach((w) => w(this.exitInfo!));
      if (this.stream) this.stream.end(done);
      else done();
    });
    this.child.on('error', (err) => {
      this.record(`failed to spawn: ${err.message}`, true);
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exited(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** True while a stop was asked for (an exit then is expected). */
  get isStopping(): boolean {
    return this.stopping;
  }

  lastLines(): string[] {
    return [...this.tail];
  }

  waitForExit(): Promise<ProcessExit> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  async stop(graceMs = 70_000): Promise<ProcessExit | undefined> {
    this.stopping = true;
    if (!this.child || this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const exit = await this.waitForExit();
    clearTimeout(timer);
    return exit;
  }

  /** Synchronous last resort when the start command itself is exiting. */
  killNow(): void {
    if (this.child && !this.exitInfo) this.child.kill('SIGTERM');
  }

  private pipeLines(stream: NodeJS.ReadableStream, isStderr: boolean): void {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        this.record(buffered.slice(0, nl), isStderr);
        buffered = buffered.slice(nl + 1);
      }
    });
    stream.on('end', () => {
      if (buffered) this.record(buffered, isStderr);
    });
  }

  private record(line: string, isStderr: boolean): void {
    if (!line.trim()) return;
    this.stream?.write(`${line}\n`);
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    if (this.output.quiet) return;
    if (this.format && line.startsWith('{')) {
      this.output.write(this.format(line));
      return;
    }
    if (this.format || isStderr || isErrorLine(line)) {
      this.output.write(`[${this.name}] ${summarise(line)}\n`);
    }
  }
}

function isErrorLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
  } catch {
    return false;
  }
}

/** One readable line for a JSON log record (used for errors when not pretty-printing). */
export function summarise(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const rec = JSON.parse(line) as { msg?: string; err?: { message?: string }; level?: number };
    const level =
      rec.level && rec.level >= 50 ? 'ERROR' : rec.level && rec.level >= 40 ? 'WARN' : 'INFO';
    return `${level} ${rec.msg ?? ''}${rec.err?.message ? `: ${rec.err.message}` : ''}`;
  } catch {
    return line;
  }
}
