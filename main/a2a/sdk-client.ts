// Helpers for driving the gateway with the SDK's own client: an A2A client
// that sends the bearer token, and request builders that fill the protobuf
// shape's required fields. Used by the tests and bench/a2a.ts.
import { randomUUID } from 'node:crypto';
import { Role, type Part, type SendMessageRequest } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, createAuthenticatingFetchWithRetry, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';

/** `fetch` that adds `Authorization: Bearer <token>` (the SDK's auth hook; no retry on 401). */
export function bearerFetch(token: string | undefined): typeof fetch {
  if (token === undefined) return fetch;
  return createAuthenticatingFetchWithRetry(fetch, {
    headers: async () => ({ Authorization: `Bearer ${token}` }),
    shouldRetryWithHeaders: async () => undefined,
  });
}

/** ClientFactory().createFromUrl(baseUrl) with the JSON-RPC transport using bearerFetch. */
export async function connectA2A(baseUrl: string, token?: string): Promise<Client> {
  const fetchImpl = bearerFetch(token);
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
    }),
  );
  return factory.createFromUrl(baseUrl);
}

export const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  mediaType: 'text/plain',
  filename: '',
  metadata: undefined,
});

export const dataPart = (value: unknown): Part => ({
  content: { $case: 'data', value },
  mediaType: 'application/json',
  filename: '',
  metadata: undefined,
});

/** A SendMessage request carrying `parts`; `returnImmediately` gives back the task before it finishes. */
export function messageRequest(parts: Part[], opts: { returnImmediately?: boolean } = {}): SendMessageRequest {
  return {
    tenant: '',
    message: {
      messageId: randomUUID(),
      contextId: '',
      taskId: '',
      role: Role.ROLE_USER,
      parts,
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    },
    configuration: {
      acceptedOutputModes: [],
      taskPushNotificationConfig: undefined,
      returnImmediately: opts.returnImmediately ?? false,
    },
    metadata: undefined,
  };
}
