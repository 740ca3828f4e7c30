import { z } from 'zod';
import { CreateWorkflowRequestSchema, ListWorkflowsQuerySchema } from './api';
import { catalogSchema } from './routes';

describe('catalogSchema', () => {
  it('answers the catalog entry’s own body and query schemas', () => {
    expect(catalogSchema('post', '/api/workflows', 'body', CreateWorkflowRequestSchema)).toBe(
      CreateWorkflowRequestSchema,
    );
    expect(catalogSchema('get', '/api/workflows', 'query', ListWorkflowsQuerySchema)).toBe(
      ListWorkflowsQuerySchema,
    );
  });

  it('throws when a router parses with a schema that is not its entry’s', () => {
    const lookalike = z.object({ name: z.string().min(1).max(200) });
    expect(() => catalogSchema('post', '/api/workflows', 'body', lookalike)).toThrow(
      "POST /api/workflows: the router's body schema is not the catalog entry's",
    );
  });

  it('throws when the route is missing from the catalog', () => {
    expect(() =>
      catalogSchema('post', '/api/workflows/nowhere', 'body', CreateWorkflowRequestSchema),
    ).toThrow('POST /api/workflows/nowhere is not in httpRoutes');
  });
});
