import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { listenFake, type FakeListenOptions, type StartedFake } from '../common';
import { queueNameOf, sendToSqs } from './sqs-target';

/** A schedule as the fake keeps it (the CreateSchedule/UpdateSchedule body, plus its name). */
export interface FakeSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  State?: string;
  Target: { Arn: string; RoleArn: string; Input?: string };
  [field: string]: unknown;
}

export interface FakeSchedulerOptions extends FakeListenOptions {
  /** The local SQS server's queue URL of a target queue ARN (by default: `<sqsEndpoint>/<account>/<name>`). */
  queueUrlOf?: (arn: string) => string;
  /** The local SQS server, for the default `queueUrlOf`. */
  sqsEndpoint?: string;
  account?: string;
  region?: string;
}

export interface FakeScheduler extends StartedFake {
  /** The schedules, by `<group>/<name>`. */
  readonly schedules: Map<string, FakeSchedule>;
  /**
   * Fires a schedule once, as Scheduler does at its planned time `at`: the target's Input, with
   * `<aws.scheduler.scheduled-time>` and `<aws.scheduler.execution-id>` replaced, sent to the
   * target SQS queue. Throws when the schedule does not exist or is disabled.
   */
  fire(group: string, name: string, at: Date): Promise<void>;
}

/**
 * A small EventBridge Scheduler for tests, speaking its REST API as the SDK does:
 * CreateSchedule (`POST /schedules/{Name}`, 409 ConflictException when it exists), UpdateSchedule
 * (`PUT`, 404 when missing), GetSchedule (`GET`), DeleteSchedule (`DELETE`, 404 when missing) and
 * ListSchedules (`GET /schedules?ScheduleGroup=&NamePrefix=`). It never fires on its own: a test
 * calls `fire()`, so a run does not wait for the clock.
 *
 * @example
 * const scheduler = await startFakeScheduler({ sqsEndpoint: sqs.url });
 * process.env.AWS_ENDPOINT_URL_SCHEDULER = scheduler.url;
 * await scheduler.fire('flowgenie', `wf-${workflowId}`, new Date());
 */
export async function startFakeScheduler(opts: FakeSchedulerOptions): Promise<FakeScheduler> {
  const schedules = new Map<string, FakeSchedule>();
  const account = opts.account ?? '000000000000';
  const region = opts.region ?? 'us-east-1';
  const queueUrlOf =
    opts.queueUrlOf ??
    ((arn: string) => {
      if (!opts.sqsEndpoint) throw new Error('the fake Scheduler needs sqsEndpoint or queueUrlOf');
      return `${opts.sqsEndpoint}/${arn.split(':')[4]}/${queueNameOf(arn)}`;
    });
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: () => true, limit: '1mb' }));
  const error = (res: Response, status: number, type: string, message: string) =>
    res.status(status).setHeader('x-amzn-errortype', type).json({ Message: message });
  const key = (group: unknown, name: string) =>
    `${typeof group === 'string' && group ? group : 'default'}/${name}`;
  const arnOf = (s: FakeSchedule) =>
    `arn:aws:scheduler:${region}:${account}:schedule/${s.GroupName}/${s.Name}`;
  const validate = (res: Response, body: FakeSchedule): boolean => {
    if (!/^(cron|rate|at)\(.+\)$/.test(String(body.ScheduleExpression ?? ''))) {
      error(
        res,
        400,
        'ValidationException',
        `Invalid Schedule Expression ${String(body.ScheduleExpression)}.`,
      );
      return false;
    }
    if (!body.Target?.Arn || !body.Target.RoleArn) {
      error(res, 400, 'ValidationException', 'Target.Arn and Target.RoleArn are required.');
      return false;
    }
    return true;
  };

  app.post('/schedules/:name', (req: Request, res: Response) => {
    const name = String(req.params.name);
    const body = { ...(req.body as FakeSchedule), Name: name };
    body.GroupName = key(body.GroupName, name).split('/')[0]!;
    if (schedules.has(key(body.GroupName, name)))
      return error(res, 409, 'ConflictException', `Schedule ${name} already exists.`);
    if (!validate(res, body)) return;
    schedules.set(key(body.GroupName, name), body);
    res.json({ ScheduleArn: arnOf(body) });
  });
  app.put('/schedules/:name', (req: Request, res: Response) => {
    const name = String(req.params.name);
    const body = { ...(req.body as FakeSchedule), Name: name };
    body.GroupName = key(body.GroupName, name).split('/')[0]!;
    if (!schedules.has(key(body.GroupName, name)))
      return error(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
    if (!validate(res, body)) return;
    schedules.set(key(body.GroupName, name), body);
    res.json({ ScheduleArn: arnOf(body) });
  });
  app.get('/schedules/:name', (req: Request, res: Response) => {
    const found = schedules.get(key(req.query.groupName, String(req.params.name)));
    if (!found) return error(res, 404, 'ResourceNotFoundException', 'Schedule does not exist.');
    res.json({ ...found, Arn: arnOf(found) });
  });
  app.delete('/schedules/:name', (req: Request, res: Response) => {
    if (!schedules.delete(key(req.query.groupName, String(req.params.name))))
      return error(res, 404, 'ResourceNotFoundException', 'Schedule does not exist.');
    res.json({});
  });
  app.get('/schedules', (req: Request, res: Response) => {
    const group = typeof req.query.ScheduleGroup === 'string' ? req.query.ScheduleGroup : undefined;
    const prefix = typeof req.query.NamePrefix === 'string' ? req.query.NamePrefix : '';
    const found = [...schedules.values()].filter(
      (s) => (!group || s.GroupName === group) && s.Name.startsWith(prefix),
    );
    res.json({
      Schedules: found.map((s) => ({
        Name: s.Name,
        GroupName: s.GroupName,
        Arn: arnOf(s),
        State: s.State ?? 'ENABLED',
      })),
    });
  });

  const started = await listenFake(app, opts, () => undefined);
  return {
    ...started,
    schedules,
    async fire(group, name, at) {
      const schedule = schedules.get(key(group, name));
      if (!schedule) throw new Error(`no schedule ${group}/${name}`);
      if (schedule.State === 'DISABLED') throw new Error(`schedule ${group}/${name} is disabled`);
      const input = (schedule.Target.Input ?? '{}')
        .replaceAll('<aws.scheduler.scheduled-time>', at.toISOString().replace(/\.\d{3}Z$/, 'Z'))
        .replaceAll('<aws.scheduler.execution-id>', randomUUID())
        .replaceAll('<aws.scheduler.schedule-arn>', arnOf(schedule))
        .replaceAll('<aws.scheduler.attempt-number>', '1');
      await sendToSqs(queueUrlOf(schedule.Target.Arn), input);
    },
  };
}
