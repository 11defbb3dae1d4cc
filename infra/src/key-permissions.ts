/**
 * Who may do what with the institutions' KMS keys, from the topology's flags. Keys are
 * told apart by their consortium tag (attribute-based access control): a function may
 * create keys only carrying its consortium's tag, and use only keys that carry it.
 */
import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { KMS_TAGS } from '@cx/signing';
import type { ExchangeFunction } from './functions.js';
import { acknowledge, acknowledgeWildcardResource } from './nag.js';

/** The only key type the exchange makes: Ed25519 signing keys. */
const KEY_SPEC = 'ECC_NIST_EDWARDS25519';
const KEY_USAGE = 'SIGN_VERIFY';

function arns(scope: Construct, consortium: string) {
  const stack = Stack.of(scope);
  return {
    keys: stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' }),
    // kmsAliasName in @cx/signing names aliases alias/cx/<consortium>/<institution>/<key>
    aliases: stack.formatArn({ service: 'kms', resource: 'alias', resourceName: `cx/${consortium}/*` }),
  };
}

const taggedWith = (consortium: string) => ({ [`aws:ResourceTag/${KMS_TAGS.consortium}`]: consortium });

/** Creating (and if onboarding fails, discarding) institution keys of one consortium. */
export function createKeyStatements(scope: Construct, consortium: string): PolicyStatement[] {
  const { keys, aliases } = arns(scope, consortium);
  const requestTags = {
    StringEquals: { [`aws:RequestTag/${KMS_TAGS.consortium}`]: consortium },
    'ForAllValues:StringEquals': { 'aws:TagKeys': Object.values(KMS_TAGS) },
  };
  return [
    new PolicyStatement({
      sid: 'CreateConsortiumKeys',
      effect: Effect.ALLOW,
      actions: ['kms:CreateKey'],
      // CreateKey has no resource to name: the conditions are what scope it
      resources: ['*'],
      conditions: {
        ...requestTags,
        StringEquals: { ...requestTags.StringEquals, 'kms:KeySpec': KEY_SPEC, 'kms:KeyUsage': KEY_USAGE },
      },
    }),
    new PolicyStatement({
      sid: 'TagConsortiumKeysAtCreation',
      effect: Effect.ALLOW,
      // CreateKey with Tags also needs TagResource, granted on all keys of the account
      // and region (the new key has no ARN yet); only the consortium's own tags can be set,
      // and never on a key that already belongs to another consortium
      actions: ['kms:TagResource'],
      resources: [keys],
      conditions: { ...requestTags, StringEqualsIfExists: taggedWith(consortium) },
    }),
    new PolicyStatement({
      sid: 'AliasConsortiumKeys',
      effect: Effect.ALLOW,
      // CreateAlias is authorized on the alias and on the key: both must be the consortium's
      actions: ['kms:CreateAlias'],
      resources: [aliases],
    }),
    new PolicyStatement({
      sid: 'ManageConsortiumKeys',
      effect: Effect.ALLOW,
      actions: ['kms:CreateAlias', 'kms:GetPublicKey', 'kms:ScheduleKeyDeletion'],
      resources: [keys],
      conditions: { StringEquals: taggedWith(consortium) },
    }),
  ];
}

/** Signing with, and reading the public key of, the consortium's keys only. */
export function signStatements(scope: Construct, consortium: string): PolicyStatement[] {
  const { keys } = arns(scope, consortium);
  return [
    new PolicyStatement({
      sid: 'SignWithConsortiumKeys',
      effect: Effect.ALLOW,
      actions: ['kms:Sign'],
      resources: [keys],
      // the way KmsKeyVault signs: Ed25519 over the raw message
      conditions: {
        StringEquals: { ...taggedWith(consortium), 'kms:SigningAlgorithm': 'ED25519_SHA_512', 'kms:MessageType': 'RAW' },
      },
    }),
    new PolicyStatement({
      sid: 'ReadConsortiumPublicKeys',
      effect: Effect.ALLOW,
      actions: ['kms:GetPublicKey'],
      resources: [keys],
      conditions: { StringEquals: taggedWith(consortium) },
    }),
  ];
}

export interface KeyPermissionsProps {
  consortium: string;
  functions: readonly ExchangeFunction[];
}

/** Grants KMS rights by the topology: `createsKeys` functions create keys, `signs` functions sign. */
export class KeyPermissions extends Construct {
  constructor(scope: Construct, id: string, props: KeyPermissionsProps) {
    super(scope, id);
    for (const fn of props.functions) {
      const statements = [
        ...(fn.spec.createsKeys ? createKeyStatements(this, props.consortium) : []),
        ...(fn.spec.signs ? signStatements(this, props.consortium) : []),
      ];
      for (const statement of statements) fn.role.addToPrincipalPolicy(statement);
      if (statements.length) acknowledgeKeyWildcards(fn, props.consortium);
    }
  }
}

function acknowledgeKeyWildcards(fn: ExchangeFunction, consortium: string): void {
  const { keys, aliases } = arns(fn, consortium);
  acknowledgeWildcardResource(
    fn.role,
    keys,
    `Institution keys are created at run time (one per institution and rotation), so no key ARN is known at deploy time; every statement on key/* requires the key's ${KMS_TAGS.consortium} tag to be "${consortium}" (attribute-based access control), TagResource only sets that consortium's tags.`,
  );
  if (fn.spec.createsKeys) {
    acknowledgeWildcardResource(
      fn.role,
      aliases,
      `Aliases are made per institution key at run time; only the consortium's own alias namespace alias/cx/${consortium}/ is allowed.`,
    );
    acknowledge(
      fn.role,
      'AwsSolutions-IAM5[Resource::*]',
      `kms:CreateKey has no resource to name; the statement allows only Ed25519 signing keys (kms:KeySpec, kms:KeyUsage) created with the ${KMS_TAGS.consortium}="${consortium}" tag and no tags but the exchange's.`,
    );
  }
}
