/**
 * Credentials: issuing Open Badges 3.0 credentials for catalogue entries, reading what an
 * institution issued, revoking and suspending, the notices that bring credentials to their
 * students, graduation runs, and the VC API's issue and status endpoints. Every route here belongs to one institution and needs its key.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { institutionIdSchema, issueRequestSchema, pageQuerySchema, pageSchema, statusChangeSchema } from '@cx/domain';
import { ownerOnly } from '@cx/http';
import { bearerSecurity, jsonBody, jsonContent, problems } from './common.js';

/** The most items one graduation run takes. */
export const MAX_CREDENTIAL_BATCH = 10_000;

const institutionParams = z.object({ id: institutionIdSchema });
const credentialParams = institutionParams.extend({
  credentialId: z
    .string()
    .regex(/^(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a credential id (urn:uuid:...)'),
});
const batchParams = institutionParams.extend({ batchId: z.uuid() });
const idempotencyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional() });
export const batchStatusSchema = z.enum(['queued', 'running', 'done', 'done-with-errors']);
const batchErrorsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(1000).meta({ description: 'Errors per page, 1-1,000.' }),
  cursor: z.string().max(2048).optional().meta({ description: 'The `nextCursor` of the previous view: the next page of errors.' }),
});

export const verifiableCredentialSchema = z
  .record(z.string(), z.unknown())
  .meta({ id: 'VerifiableCredential', description: 'A signed W3C VC 2.0 (Open Badges 3.0) credential.' });
export const issuedCredentialSchema = z.object({ id: z.string(), credential: verifiableCredentialSchema }).meta({ id: 'IssuedCredential' });
export const credentialViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(['active', 'suspended', 'revoked']),
    statusReason: z.string().optional(),
    statusChangedAt: z.string().optional(),
    achievement: z.object({ type: z.string(), institution: z.string(), code: z.string(), version: z.number() }),
    recipient: z.object({ name: z.string(), email: z.string().optional(), did: z.string().optional(), studentId: z.string().optional() }),
    issuedAt: z.string(),
    builtFrom: z.array(z.string()).optional(),
    credential: verifiableCredentialSchema,
  })
  .meta({ id: 'IssuedCredentialRecord' });
/** The most holder copies one credential's view lists. */
export const COPIES_IN_VIEW = 50;
export const copyViewSchema = z
  .object({
    copyId: z.string().meta({ description: 'The id of the copy (`urn:uuid:...`), as the wallet holds it.' }),
    holderDid: z.string().meta({ description: 'The DID the wallet proved it controls: the copy’s `credentialSubject.id`.' }),
    protocol: z.enum(['vcapi', 'oid4vci']).meta({ description: '`vcapi`: a VC API exchange (the Learner Credential Wallet); `oid4vci`: OpenID4VCI.' }),
    issuedAt: z.string(),
  })
  .meta({ id: 'HolderCopy' });
export const credentialDetailSchema = credentialViewSchema
  .extend({
    copies: z.array(copyViewSchema).meta({
      description: `The holder copies wallets received of this credential, newest first (the newest ${COPIES_IN_VIEW}). Each shares the credential’s status entry: revoking or suspending the credential revokes or suspends them all.`,
    }),
  })
  .meta({ id: 'IssuedCredentialDetail' });
export const batchViewSchema = z
  .object({
    id: z.string(),
    status: batchStatusSchema,
    total: z.number(),
    issued: z.number(),
    failed: z.number(),
    createdAt: z.string(),
    errors: z.array(z.object({ index: z.number(), problem: z.unknown() })).meta({ description: 'Failed items by index: a page of them (`limit`, `cursor`).' }),
    nextCursor: z.string().optional().meta({ description: 'Present when more errors follow: pass it as `cursor`.' }),
  })
  .meta({ id: 'CredentialBatch' });
export const batchSubmittedSchema = z.object({ id: z.string(), status: batchStatusSchema, total: z.number() });
export const batchRequestSchema = z
  .strictObject({
    items: z.array(z.unknown()).min(1).max(MAX_CREDENTIAL_BATCH).meta({ description: 'Issue request bodies (IssueRequest).' }),
    notify: z
      .boolean()
      .optional()
      .meta({ description: '`false`: no item gets a notice with its claim link (as if each said `"notify": false`); an item’s own `"notify": false` counts too.' }),
  })
  .meta({ id: 'CredentialBatchRequest' });

export const noticeStateSchema = z.enum(['queued', 'sending', 'sent', 'bounced', 'complained', 'failed', 'superseded']);
export const noticeViewSchema = z
  .object({
    id: z.string(),
    state: noticeStateSchema.meta({
      description:
        '`queued`: waiting to be sent; `sending`: handed to the mail service; `sent`: accepted by it; `bounced`/`complained`: what the recipient’s mail system reported; `failed`: given up (see `failure`); `superseded`: never sent, replaced by a newer notice with a new link.',
    }),
    createdAt: z.string(),
    sentAt: z.string().optional(),
    eventAt: z.string().optional().meta({ description: 'When the bounce, complaint or failure was reported.' }),
    failure: z.string().optional(),
  })
  .meta({ id: 'CredentialNotice' });
const noticeListQuery = z.strictObject({ ...pageQuerySchema.shape });

/** The status purposes a credential of the exchange can carry. */
const statusPurposeSchema = z.enum(['revocation', 'suspension']);
/** VC API IssueCredentialOptions.credentialStatus: asks for the exchange's status entry (for the purposes named; its one entry serves both). */
const statusOptionSchema = z.strictObject({
  type: z.literal('BitstringStatusListEntry', { error: 'must be "BitstringStatusListEntry", the only status the exchange issues' }),
  statusPurpose: z.union([statusPurposeSchema, z.array(statusPurposeSchema).min(1).max(2)]).optional(),
});
export const vcApiIssueRequestSchema = z
  .strictObject({
    credential: z.record(z.string(), z.unknown()),
    options: z
      .looseObject({
        credentialStatus: z
          .union([statusOptionSchema, z.array(statusOptionSchema).max(2)], {
            error: 'must be { "type": "BitstringStatusListEntry", "statusPurpose"?: "revocation" | "suspension" } or a list of them',
          })
          .optional()
          .meta({ description: 'The exchange adds its `BitstringStatusListEntry` (serving revocation and suspension) to a VC 2.0 credential unless this is `[]`, and to a VC 1.1 credential when this asks for it.' }),
        credentialId: z
          .string()
          .max(1000)
          .regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/, 'must be a URI')
          .optional()
          .meta({ description: 'Identifies a credential without an `id` in status requests (the VC API’s credentialId).' }),
      })
      .optional(),
  })
  .meta({ id: 'VcApiIssueRequest' });
const statusUpdateSchema = z.strictObject({
  type: z.literal('BitstringStatusListEntry', { error: 'must be "BitstringStatusListEntry"' }),
  statusPurpose: statusPurposeSchema,
  status: z.boolean(),
});
export const vcApiStatusRequestSchema = z
  .strictObject({
    credentialId: z.string().min(1).max(1000).meta({ description: 'The credential’s id (or the credentialId it was issued with).' }),
    credentialStatus: z.array(statusUpdateSchema).min(1).max(2).meta({ description: 'One entry per purpose: the status bit to set.' }),
  })
  .meta({ id: 'VcApiStatusRequest' });
export const vcApiStatusResultSchema = z
  .object({
    credentialId: z.string(),
    credentialStatus: z.array(z.object({ type: z.literal('BitstringStatusListEntry'), statusPurpose: statusPurposeSchema, status: z.boolean() })),
  })
  .meta({ id: 'VcApiStatusResult' });

export const credentialRoutes = {
  issue: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/credentials',
    tags: ['Credentials'],
    summary: 'Issue a credential for a component, badge or micro-degree (the institution)',
    description:
      'Signs an Open Badges 3.0 credential with the institution’s own key. With an `Idempotency-Key` header, retries answer the same credential; the same key with another body gets 422.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: {
      params: institutionParams,
      headers: idempotencyHeaders,
      ...jsonBody(issueRequestSchema),
    },
    responses: { 201: jsonContent(issuedCredentialSchema, 'Issued'), ...problems(400, 401, 403, 404, 409, 413, 422) },
  }),

  listForRecipient: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/credentials',
    tags: ['Credentials'],
    summary: 'Credentials the institution issued to a recipient (the institution)',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: {
      params: institutionParams,
      query: z.strictObject({
        ...pageQuerySchema.shape,
        recipient: z.string().trim().min(1).max(2048).meta({ description: 'An email, a DID, or a student id.' }),
      }),
    },
    responses: { 200: jsonContent(pageSchema(credentialViewSchema), 'Newest first'), ...problems(400, 401, 403) },
  }),

  get: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/credentials/{credentialId}',
    tags: ['Credentials'],
    summary: 'One issued credential with its status and the copies wallets received (the institution)',
    description: `The credential as issued, its status, and \`copies\`: the newest ${COPIES_IN_VIEW} holder copies wallets received of it (VC API exchanges and OpenID4VCI), each bound to the DID its wallet proved.`,
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: credentialParams },
    responses: { 200: jsonContent(credentialDetailSchema, 'The credential and its copies'), ...problems(400, 401, 403, 404) },
  }),

  changeStatus: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/credentials/{credentialId}/status',
    tags: ['Credentials'],
    summary: 'Revoke, suspend or reinstate a credential (the institution)',
    description: 'Revocation is final (409 for any other status afterwards); suspension can be lifted with `active`. Asking for the status the credential already has answers 200 and changes nothing, so a lost answer can be retried. The status list shows the change once this answers.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: credentialParams, ...jsonBody(statusChangeSchema) },
    responses: { 200: jsonContent(credentialViewSchema, 'The credential with its new status'), ...problems(400, 401, 403, 404, 409) },
  }),

  sendNotice: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/credentials/{credentialId}/notices',
    tags: ['Credentials'],
    summary: 'Send the student a new notice with a new claim link (the institution)',
    description:
      'Makes a new claim link for the credential and queues a notice with it to the address the credential was issued to; earlier links of the credential stop working. Answers 202 with the new notice (follow it in the list of notices). 409 for a credential issued to no email address. A revoked or suspended credential gets one too: its claim page says it is revoked or suspended. With an `Idempotency-Key` header, a retry answers the first notice and makes no other link.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: credentialParams, headers: idempotencyHeaders },
    responses: { 202: jsonContent(noticeViewSchema.pick({ id: true, state: true, createdAt: true }), 'Queued'), ...problems(400, 401, 403, 404, 409, 422) },
  }),

  listNotices: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/credentials/{credentialId}/notices',
    tags: ['Credentials'],
    summary: 'The notices of a credential, with what became of each (the institution)',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: credentialParams, query: noticeListQuery },
    responses: { 200: jsonContent(pageSchema(noticeViewSchema), 'Newest first'), ...problems(400, 401, 403, 404) },
  }),

  submitBatch: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/credential-batches',
    tags: ['Credentials'],
    summary: 'Start a graduation run: up to 10,000 credentials (the institution)',
    description:
      'Answers 202 at once; follow progress at the batch URL. Every item is validated first: one invalid item refuses the run (400 naming `items.<index>.<field>`) and nothing is stored. Each item is issued exactly once, even when a worker is retried, and ends issued or failed. With an `Idempotency-Key` header, a repeated start answers the first run; the same key with another body gets 422.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: {
      params: institutionParams,
      headers: idempotencyHeaders,
      ...jsonBody(batchRequestSchema),
    },
    responses: {
      202: jsonContent(batchSubmittedSchema, 'Queued (a repeated start: the first run, as it is now)'),
      ...problems(400, 401, 403, 413, 422),
    },
  }),

  batchProgress: createRoute({
    method: 'get',
    path: '/v1/institutions/{id}/credential-batches/{batchId}',
    tags: ['Credentials'],
    summary: 'Progress of a graduation run (the institution)',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: batchParams, query: batchErrorsQuery },
    responses: { 200: jsonContent(batchViewSchema, 'Progress'), ...problems(400, 401, 403, 404) },
  }),

  vcApiIssue: createRoute({
    method: 'post',
    path: '/vc-api/institutions/{id}/credentials/issue',
    tags: ['VC API'],
    summary: 'VC API: sign a credential the caller composed (the institution)',
    description:
      'The credential’s issuer must be the institution’s DID; VC 2.0 and VC 1.1 (`https://www.w3.org/2018/credentials/v1`, `issuanceDate`) are both signed with an eddsa-rdfc-2022 Data Integrity proof. The exchange adds the status entry its own credentials carry, which serves revocation and suspension, to a VC 2.0 credential (to a VC 1.1 one when `options.credentialStatus` asks; `[]`: to none) and records the credential under its `id` (or `options.credentialId`; one without either is given a `urn:uuid` id), so that `/vc-api/institutions/{id}/credentials/status` can revoke or suspend it. A credential that brings its own `credentialStatus` is signed as composed. Answers `{ verifiableCredential }`.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: {
      params: institutionParams,
      ...jsonBody(vcApiIssueRequestSchema),
    },
    responses: { 201: jsonContent(z.object({ verifiableCredential: verifiableCredentialSchema }), 'Signed'), ...problems(400, 401, 403, 409, 413) },
  }),

  vcApiStatus: createRoute({
    method: 'post',
    path: '/vc-api/institutions/{id}/credentials/status',
    tags: ['VC API'],
    summary: 'VC API: revoke, suspend or reinstate a credential (the institution)',
    description:
      'Sets the status of a credential the institution issued (through the VC API or `/v1`): `revocation` `true` revokes it, which is final (409 for any change afterwards); `suspension` `true` suspends it and `false` lifts the suspension. Asking for the status it already has answers 200 and changes nothing. 404 when the institution issued no credential with that id.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: institutionParams, ...jsonBody(vcApiStatusRequestSchema) },
    responses: { 200: jsonContent(vcApiStatusResultSchema, 'Credential status successfully updated'), ...problems(400, 401, 403, 404, 409) },
  }),
};
