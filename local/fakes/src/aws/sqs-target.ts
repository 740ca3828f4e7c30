/**
 * Sends a message to a queue of an SQS server speaking the JSON protocol (the local SQS server the
 * tests run), as EventBridge or Scheduler deliver to an SQS target.
 */
export async function sendToSqs(queueUrl: string, body: string): Promise<void> {
  const res = await fetch(queueUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AmazonSQS.SendMessage',
    },
    body: JSON.stringify({ QueueUrl: queueUrl, MessageBody: body }),
  });
  if (!res.ok) throw new Error(`SQS SendMessage to ${queueUrl}: ${res.status} ${await res.text()}`);
}

/** The name of an SQS queue from its ARN (`arn:aws:sqs:<region>:<account>:<name>`) or URL. */
export function queueNameOf(arnOrUrl: string): string {
  return arnOrUrl.startsWith('arn:') ? arnOrUrl.split(':')[5]! : arnOrUrl.split('/').pop()!;
}
