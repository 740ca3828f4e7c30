// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { readSse } from './sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      controller.close();
    },
  });
}

describe('readSse', () => {
  it('parses events split across chunks, multi-line data and comments', async () => {
    const events = [];
    for await (const e of readSse(
      streamOf([
        ': hello\n\nevent: execu',
        'tion\ndata: {"a":\ndata: 1}\n\n',
        'data: tail\r\n\r\n',
      ]),
    ))
      events.push(e);
    expect(events).toEqual([
      { event: 'execution', data: '{"a":\n1}', id: undefined },
      { event: 'message', data: 'tail', id: undefined },
    ]);
  });
});
