// A scripted session of fhir-kit-client (an npm FHIR client nobody here wrote) against a live Enamel server:
// the desk registers a patient, a dentist records conditions, searches and pages through `next` links, updates one
// with If-Match, reads its history and the patient's $everything. Prints one JSON object of what it saw.
// Usage: node client.mjs <fhir base URL>   (ENAMEL_DESK_TOKEN, ENAMEL_TOKEN: API tokens of a receptionist and a dentist)
import { Client } from 'fhir-kit-client';

const [, , baseUrl] = process.argv;
const desk = new Client({ baseUrl, customHeaders: { Authorization: `Bearer ${process.env.ENAMEL_DESK_TOKEN}` } });
const dentist = new Client({ baseUrl, customHeaders: { Authorization: `Bearer ${process.env.ENAMEL_TOKEN}` } });

const out = {};
const statement = await desk.capabilityStatement();
out.fhirVersion = statement.fhirVersion;

const chart = 'NPM-' + Math.random().toString(36).slice(2, 10);
const patient = await desk.create({
  resourceType: 'Patient',
  body: {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:enamel:identifier:chart-number', value: chart }],
    name: [{ family: 'Lee', given: ['Siu Ming'] }],
    birthDate: '1979-02-03',
    gender: 'female',
  },
});
out.patientId = patient.id;

const condition = (status) => ({
  resourceType: 'Condition',
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: status }] },
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
  code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2' }] },
  subject: { reference: `Patient/${patient.id}` },
  onsetDateTime: '2019-05',
});
const created = [];
for (let i = 0; i < 3; i++) created.push(await dentist.create({ resourceType: 'Condition', body: condition('active') }));
out.created = created.map((c) => c.id);

const found = await desk.search({ resourceType: 'Patient', searchParams: { identifier: chart } });
out.patientSearchTotal = found.total;

let page = await dentist.search({ resourceType: 'Condition', searchParams: { patient: `Patient/${patient.id}`, _count: 2 } });
out.searchTotal = page.total;
const seen = [];
let pages = 0;
while (page && pages < 5) {
  pages++;
  for (const e of page.entry ?? []) seen.push(e.resource.id);
  page = await dentist.nextPage({ bundle: page });
}
out.pages = pages;
out.seen = seen;

const first = created[0];
const updated = await dentist.update({
  resourceType: 'Condition',
  id: first.id,
  body: { ...condition('resolved'), id: first.id },
  options: { headers: { 'If-Match': `W/"${first.meta.versionId}"` } },
});
out.updatedVersion = updated.meta.versionId;
try {
  await dentist.update({ resourceType: 'Condition', id: first.id, body: { ...condition('inactive'), id: first.id }, options: { headers: { 'If-Match': 'W/"1"' } } });
  out.staleStatus = 200;
} catch (e) {
  out.staleStatus = e.response?.status ?? -1;
}
const history = await dentist.history({ resourceType: 'Condition', id: first.id });
out.historyVersions = (history.entry ?? []).map((e) => e.resource.meta.versionId);

const everything = await dentist.operation({ name: 'everything', resourceType: 'Patient', id: patient.id, method: 'GET' });
out.everythingTypes = [...new Set((everything.entry ?? []).map((e) => e.resource.resourceType))].sort();
out.everythingTotal = everything.total;

console.log(JSON.stringify(out));
