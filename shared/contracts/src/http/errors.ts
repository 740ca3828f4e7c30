import { z } from 'zod';

/**
 * Every error answer of every service has this shape:
 * `{ error: { code, message, details? } }`; validation details locate the problem.
 */
export const ErrorDetailSchema = z.object({
  /** Dotted path of the offending field in the request body or query, e.g. `nodes.2.config.url`. */
  path: z.string().optional(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  /** Machine-readable class of the problem (e.g. `cycle`, `unknown_node_type`) for UIs to switch on. */
  code: z.string().optional(),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;
export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(ErrorDetailSchema).optional(),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;
