/** Recognition agreements: versioned like catalogue entries, findable by partner. */
import { ConflictError, type AgreementRecord, type AgreementRepository, type Change, type Page } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { agreement, agreementVersion } = entities;

export class Agreements implements AgreementRepository {
  constructor(private readonly table: Table) {}

  async get(institution: string, id: string, consistent = false): Promise<AgreementRecord | undefined> {
    const item = await this.table.get(agreement.key({ institution, id }), consistent);
    return item ? stripKeys<AgreementRecord>(item) : undefined;
  }

  async write(next: AgreementRecord, previous: AgreementRecord | undefined, alongside: Change[]): Promise<void> {
    const changes = [
      new TableChange(agreement.name, {
        Put: {
          TableName: this.table.name,
          Item: { ...agreement.key(next), ...agreement.index('gsi1', next), ...agreement.index('gsi2', next), ...agreement.metadata, ...next },
          ...(previous
            ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      }),
    ];
    if (!previous || previous.version !== next.version) {
      changes.push(
        new TableChange(agreementVersion.name, {
          Put: {
            TableName: this.table.name,
            Item: { ...agreementVersion.key(next), ...agreementVersion.metadata, ...next },
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
    const [index, partition] =
      filter.partner === undefined ? (['gsi2', agreement.indexPartition('gsi2', {})] as const) : (['gsi1', agreement.indexPartition('gsi1', { partner: filter.partner })] as const);
    const sortPrefix = filter.institution === undefined ? undefined : agreement.indexSortPrefix(index, { institution: filter.institution });
    const page = await this.table.page(index, partition, limit, cursor, { sortPrefix });
    return { items: page.items.map((item) => stripKeys<AgreementRecord>(item)), nextCursor: page.nextCursor };
  }

  /** Every agreement `institution` has with `partner` (a handful): rule lookup for transfers. */
  async between(institution: string, partner: string): Promise<AgreementRecord[]> {
    const items = await this.table.queryPartition('gsi1', agreement.indexPartition('gsi1', { partner }), {
      sortPrefix: agreement.indexSortPrefix('gsi1', { institution }),
    });
    return items.map((item) => stripKeys<AgreementRecord>(item));
  }
}
