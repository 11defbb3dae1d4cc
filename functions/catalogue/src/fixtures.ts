/** Valid catalogue bodies for tests and examples. */
export function componentBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Introduction to Machine Learning',
    description: 'Supervised and unsupervised learning with Python.',
    learningOutcomes: ['Explain bias and variance', 'Train and evaluate a classifier'],
    ects: 5,
    eqfLevel: 6,
    iscedField: '0613',
    languages: ['en'],
    assessment: { type: 'project', supervision: 'supervised' },
    participation: 'blended',
    qualityAssurance: 'Internal QA of the Faculty of Science, accredited programme',
    ...overrides,
  };
}

export function badgeBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Peer Mentor',
    description: 'Mentored first-year students for a full semester.',
    category: 'social-engagement',
    criteria: 'At least 12 mentoring sessions, confirmed by the study adviser.',
    ...overrides,
  };
}

export function degreeBody(components: Array<{ institution: string; code: string }>, overrides: Record<string, unknown> = {}) {
  return {
    title: 'Applied Data Science',
    description: 'Machine learning and data engineering, taught by two partner universities.',
    learningOutcomes: ['Build a data pipeline', 'Deploy a trained model'],
    eqfLevel: 6,
    components,
    requirement: { type: 'all' },
    ...overrides,
  };
}
