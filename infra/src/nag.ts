/**
 * Acknowledging cdk-nag (AwsSolutions) findings. Each acknowledgment sits beside the
 * construct that causes it and says why the finding is accepted; the stack's nag test
 * fails on anything unacknowledged.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

/** Accepts a finding of `ruleId` on `scope` and everything under it. */
export function acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: ruleId, reason });
}

/**
 * Accepts AwsSolutions-IAM5 (wildcard permission) for one resource pattern only, e.g.
 * `arn:...:key/*`: any other wildcard on `scope` is still reported.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  // cdk-nag names the finding after the resource as it appears in the template
  const finding = flattenCfnReference(Stack.of(scope).resolve(resource));
  acknowledge(scope, `AwsSolutions-IAM5[Resource::${finding}]`, reason);
}
