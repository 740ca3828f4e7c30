import express, { type Request, type Response } from 'express';
import { listenFake, type FakeListenOptions, type StartedFake } from '../common';

export interface FakeS3 extends StartedFake {
  /** The objects, by `<bucket>/<key>`. */
  readonly objects: Map<string, { body: Buffer; contentType?: string }>;
}

/**
 * A small S3 for tests, path-style (`/<bucket>/<key>`, what the SDK uses for an IP endpoint):
 * PutObject, GetObject (404 `NoSuchKey`), HeadObject, DeleteObject and DeleteObjects
 * (`POST /<bucket>?delete`), in the REST/XML shapes the SDK reads. Only `buckets` exist.
 * Checksums and signatures are not checked.
 *
 * @example
 * const s3 = await startFakeS3({ buckets: ['flowgenie-payloads'] });
 * process.env.AWS_ENDPOINT_URL_S3 = s3.url;
 */
export async function startFakeS3(
  opts: FakeListenOptions & { buckets: string[] },
): Promise<FakeS3> {
  const objects: FakeS3['objects'] = new Map();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.raw({ type: () => true, limit: '20mb' }));
  const xmlError = (res: Response, status: number, code: string, message: string) =>
    res
      .status(status)
      .type('application/xml')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      );
  const target = (req: Request) => {
    const [, bucket = '', ...rest] = decodeURIComponent(req.path).split('/');
    return { bucket, key: rest.join('/') };
  };
  const bucketOk = (res: Response, bucket: string) => {
    if (opts.buckets.includes(bucket)) return true;
    xmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    return false;
  };

  app.put(/.*/, (req: Request, res: Response) => {
    const { bucket, key } = target(req);
    if (!bucketOk(res, bucket)) return;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    objects.set(`${bucket}/${key}`, { body, contentType: req.header('content-type') });
    res.setHeader('ETag', '"fake"');
    res.status(200).end();
  });
  app.get(/.*/, (req: Request, res: Response) => {
    const { bucket, key } = target(req);
    if (!bucketOk(res, bucket)) return;
    const found = objects.get(`${bucket}/${key}`);
    if (!found) return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    res.setHeader('Content-Type', found.contentType ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(found.body.length));
    res.status(200).end(found.body);
  });
  app.head(/.*/, (req: Request, res: Response) => {
    const { bucket, key } = target(req);
    const found = objects.get(`${bucket}/${key}`);
    res.status(found ? 200 : 404).end();
  });
  app.delete(/.*/, (req: Request, res: Response) => {
    const { bucket, key } = target(req);
    if (!bucketOk(res, bucket)) return;
    objects.delete(`${bucket}/${key}`);
    res.status(204).end();
  });
  app.post(/.*/, (req: Request, res: Response) => {
    const { bucket } = target(req);
    if (!bucketOk(res, bucket)) return;
    if (!('delete' in req.query))
      return xmlError(res, 400, 'NotImplemented', 'the fake S3 serves POST ?delete only');
    const xml = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => unescapeXml(m[1]!));
    for (const key of keys) objects.delete(`${bucket}/${key}`);
    const quiet = /<Quiet>true<\/Quiet>/.test(xml);
    res
      .status(200)
      .type('application/xml')
      .send(
        `<?xml version="1.0" encoding="UTF-8"?><DeleteResult>${
          quiet ? '' : keys.map((k) => `<Deleted><Key>${escapeXml(k)}</Key></Deleted>`).join('')
        }</DeleteResult>`,
      );
  });

  const started = await listenFake(app, opts, () => undefined);
  return { ...started, objects };
}

function unescapeXml(v: string): string {
  return v
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function escapeXml(v: string): string {
  return v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
