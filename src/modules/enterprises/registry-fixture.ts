import type { RegistryRecord } from './registry.js';

/**
 * Tests only: a registry enterprise in good standing on every invitation condition, with no
 * secrets and no officers. Each test gives its identifiers and name, and overrides what it is about.
 */
export function testRegistryRecord(fields: Pick<RegistryRecord, 'rqId' | 'neq' | 'legalName' | 'legalType'> & Partial<RegistryRecord>): RegistryRecord {
  return {
    addressLine: '12, rue des Érables',
    municipality: 'Québec',
    postalCode: 'G1R 2B5',
    returnFiled: true,
    mailingAddressOk: true,
    fileInGoodStanding: true,
    officersUpToDate: true,
    assessmentNumber: null,
    ownerSin: null,
    impotnetCode: null,
    officers: [],
    ...fields,
  };
}
