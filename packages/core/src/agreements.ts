/**
 * Recognition agreements: a receiving institution states in advance which partner
 * components it recognises, as what and for how many ECTS. A rule covers the partner
 * component version it was reviewed for; a newer version flags the rule for review.
 */
import {
  checkIfMatchVersion,
  contentHash,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
  type AgreementBody,
  type Clock,
  type FieldIssue,
  type Page,
  type AgreementRecord,
  type Persistence,
  type RequestContext,
  type StoredEntry,
} from '@cx/domain';
import { auditEntry } from './audit-entry.js';
import { requireActiveMember } from './membership.js';

export interface AgreementView extends Omit<AgreementRecord, 'contentHash' | 'rules'> {
  rules: Array<AgreementRecord['rules'][number] & { needsReview: boolean; currentVersion: number | null }>;
}

export class AgreementService {
  constructor(private readonly deps: { store: Persistence; clock: Clock }) {}

  async put(
    institution: string,
    id: string,
    body: AgreementBody,
    ifMatch: string | undefined,
    ctx: RequestContext,
  ): Promise<{ agreement: AgreementView; created: boolean }> {
    // as in the catalogue: a suspended member changes nothing, and what it published stays readable
    await requireActiveMember(this.deps.store, institution, 'cannot change agreements; they stay readable');
    await this.validate(institution, body);
    const previous = await this.deps.store.agreements.get(institution, id, true);
    checkIfMatchVersion(ifMatch, previous?.version);
    const hash = contentHash(body);
    if (previous && previous.contentHash === hash) return { agreement: await this.view(previous), created: false };
    if (previous && previous.partner !== body.partner) throw ValidationError.field('partner', `agreement ${id} is with ${previous.partner}; make a new agreement for another partner`);
    const now = this.deps.clock.now().toISOString();
    const next: AgreementRecord = { ...body, institution, id, version: (previous?.version ?? 0) + 1, contentHash: hash, updatedAt: now };
    const write = this.deps.store.agreements.write(next, previous, [
      this.deps.store.audit.entry(
        auditEntry(ctx, {
          at: now,
          action: 'agreement.publish',
          institution,
          target: `institutions/${institution}/agreements/${id}`,
          details: { version: next.version, partner: body.partner },
        }),
      ),
    ]);
    try {
      await write;
    } catch (error) {
      // another request changed the agreement after it was read: with If-Match, that is the precondition failing (as in the catalogue)
      if (ifMatch !== undefined && error instanceof ConflictError) {
        throw new PreconditionFailedError(`If-Match no longer matches: agreement ${institution}/${id} was changed meanwhile; read it again`);
      }
      throw error;
    }
    return { agreement: await this.view(next), created: !previous };
  }

  async get(institution: string, id: string): Promise<AgreementView> {
    const record = await this.deps.store.agreements.get(institution, id);
    if (!record) throw new NotFoundError(`${institution} has no agreement ${id}`);
    return this.view(record);
  }

  async list(filter: { institution?: string; partner?: string }, limit: number, cursor?: string): Promise<Page<AgreementView>> {
    const page = await this.deps.store.agreements.list(filter, limit, cursor);
    return { items: await Promise.all(page.items.map((record) => this.view(record))), nextCursor: page.nextCursor };
  }

  /** The rules with the partner component's current version, flagging rules reviewed for an older one. */
  async view(record: AgreementRecord): Promise<AgreementView> {
    const heads = await this.deps.store.catalogue.heads(
      'component',
      record.rules.map((rule) => ({ institution: record.partner, code: rule.partnerComponent })),
    );
    const { contentHash: _hash, ...rest } = record;
    return {
      ...rest,
      rules: record.rules.map((rule) => {
        const current = heads.get(`${record.partner}/${rule.partnerComponent}`)?.version ?? null;
        return { ...rule, needsReview: current !== null && current > rule.reviewedVersion, currentVersion: current };
      }),
    };
  }

  private async validate(institution: string, body: AgreementBody): Promise<void> {
    const issues: FieldIssue[] = [];
    if (body.partner === institution) issues.push({ field: 'partner', message: 'an agreement is with another institution' });
    const partner = await this.deps.store.institutions.get(body.partner);
    if (!partner) issues.push({ field: 'partner', message: `${body.partner} is not a member of the consortium` });
    else if (partner.status !== 'active') issues.push({ field: 'partner', message: `${body.partner} is suspended` });
    const partnerHeads = await this.deps.store.catalogue.heads('component', body.rules.map((r) => ({ institution: body.partner, code: r.partnerComponent })));
    const ownRefs = body.rules.filter((r) => r.recognisedAs.component).map((r) => ({ institution, code: r.recognisedAs.component! }));
    const ownHeads = await this.deps.store.catalogue.heads('component', ownRefs);
    body.rules.forEach((rule, index) => {
      const head = partnerHeads.get(`${body.partner}/${rule.partnerComponent}`) as StoredEntry<'component'> | undefined;
      if (!head) issues.push({ field: `rules.${index}.partnerComponent`, message: `${body.partner} has no component ${rule.partnerComponent}` });
      else if (rule.reviewedVersion > head.version) {
        issues.push({ field: `rules.${index}.reviewedVersion`, message: `${rule.partnerComponent} has no version ${rule.reviewedVersion} yet (latest ${head.version})` });
      }
      if (rule.recognisedAs.component && !ownHeads.has(`${institution}/${rule.recognisedAs.component}`)) {
        issues.push({ field: `rules.${index}.recognisedAs.component`, message: `${institution} has no component ${rule.recognisedAs.component}` });
      }
    });
    if (issues.length) throw new ValidationError(`invalid fields: ${[...new Set(issues.map((i) => i.field))].join(', ')}`, issues);
  }
}
