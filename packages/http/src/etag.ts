export { checkIfMatchVersion as checkIfMatch, etagOf } from '@cx/domain';
