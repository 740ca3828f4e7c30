import { loadCatalogConfig } from '../src/config';

describe('catalog configuration as the AWS stacks give it', () => {
  it('defaults to the local bus and the DATABASE_URL default', () => {
    const config = loadCatalogConfig({});
    expect(config.EVENT_BUS).toBe('local');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/flowgenie');
  });

  it('builds DATABASE_URL from the parts, encoding what a URL cannot hold as is', () => {
    const config = loadCatalogConfig({
      DATABASE_HOST: 'db.abc123.eu-west-1.rds.amazonaws.com',
      DATABASE_PORT: '5433',
      DATABASE_NAME: 'flowgenie',
      DATABASE_USER: 'fg_admin',
      DATABASE_PASSWORD: 'p@ss:w/rd%?#',
      DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-AbCdEf',
    });
    const url = new URL(config.DATABASE_URL);
    expect(url.hostname).toBe('db.abc123.eu-west-1.rds.amazonaws.com');
    expect(url.port).toBe('5433');
    expect(url.pathname).toBe('/flowgenie');
    expect(decodeURIComponent(url.username)).toBe('fg_admin');
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd%?#');
  });

  it('keeps an explicit DATABASE_URL over the parts', () => {
    const config = loadCatalogConfig({
      DATABASE_URL: 'postgres://app@10.0.0.5:5432/fg',
      DATABASE_HOST: 'elsewhere',
    });
    expect(config.DATABASE_URL).toBe('postgres://app@10.0.0.5:5432/fg');
  });

  it('refuses a secret ARN without a password, a bad port, and the aws bus without its name', () => {
    expect(() =>
      loadCatalogConfig({
        DATABASE_HOST: 'db',
        DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:x',
      }),
    ).toThrow(/DATABASE_SECRET_ARN: the secret was not read/);
    expect(() => loadCatalogConfig({ DATABASE_HOST: 'db', DATABASE_PORT: 'five' })).toThrow(
      /DATABASE_PORT: must be a port number/,
    );
    expect(() => loadCatalogConfig({ EVENT_BUS: 'aws' })).toThrow(
      /EVENT_BUS_NAME: required when EVENT_BUS=aws/,
    );
    expect(() => loadCatalogConfig({ EVENT_BUS: 'kafka' })).toThrow(/EVENT_BUS/);
  });
});
