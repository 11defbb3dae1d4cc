/** Recognition agreements: versioned like catalogue entries, findable by partner. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, type AgreementRecord, type AgreementRepository, type Change, type Page } from '@cx/domain';
import { keys, stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

export class Agreements implements AgreementRepository {
  constructor(private readonly table: Table) {}

  async get(institution: string, id: string, consistent = false): Promise<AgreementRecord | undefined> {
    const item = await this.table.get(keys.agreement(institution, id), consistent);
    return item ? stripKeys<AgreementRecord>(item) : undefined;
  }

  async write(next: AgreementRecord, previous: AgreementRecord | undefined, alongside: Change[]): Promise<void> {
    const changes = [
      new TableChange('agreement', {
        Put: {
          TableName: this.table.name,
          Item: { ...keys.agreement(next.institution, next.id), ...keys.agreementIndexes(next.institution, next.id, next.partner), entity: 'agreement', schemaVersion: 1, ...next },
          ...(previous
            ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      }),
    ];
    if (!previous || previous.version !== next.version) {
      changes.push(
        new TableChange('agreement-version', {
          Put: {
            TableName: this.table.name,
            Item: { ...keys.agreementVersion(next.institution, next.id, next.version), entity: 'agreement-version', schemaVersion: 1, ...next },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }),
      );
    }
    await this.table.commit([...changes, ...alongside], (index) =>
      index <= 1 ? new ConflictError(`agreement ${next.institution}/${next.id} was changed by another request; read it again and retry`) : undefined,
    );
  }

  /** Agreements of an institution (`institution`), with a partner (`partner`), or both, or all. */
  async list(filter: { institution?: string; partner?: string }, limit: number, cursor?: string): Promise<Page<AgreementRecord>> {
    const byPartner = filter.partner !== undefined;
    const partition = byPartner ? keys.agreementsWithPartner(filter.partner!) : keys.agreementsAll;
    const index = byPartner ? 'gsi1' : 'gsi2';
    const page = await this.table.page(index, partition, limit, cursor, { sortPrefix: filter.institution && `${filter.institution}#` });
    return { items: page.items.map((item) => stripKeys<AgreementRecord>(item)), nextCursor: page.nextCursor };
  }

  /** Every agreement `institution` has with `partner` (a handful): rule lookup for transfers. */
  async between(institution: string, partner: string): Promise<AgreementRecord[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.agreementsWithPartner(partner), ':prefix': `${institution}#` },
      }),
    );
    return (out.Items ?? []).map((item) => stripKeys<AgreementRecord>(item));
  }
}
