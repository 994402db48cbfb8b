// Drives Enamel's DICOMweb with the dicomweb-client package (the library OHIF uses). Usage: node client.js BASEURL FILE.dcm
// Prints one JSON object with what each call returned; the C# test asserts on it.
global.XMLHttpRequest = require('xhr2');
const fs = require('fs');
const { api } = require('dicomweb-client');

async function main() {
  const [url, file] = process.argv.slice(2);
  const client = new api.DICOMwebClient({ url, singlepart: false, headers: { Authorization: 'Bearer ' + process.env.ENAMEL_TOKEN } });
  const out = {};
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  await client.storeInstances({ datasets: [buffer] });
  out.stored = true;
  const studies = await client.searchForStudies({ queryParams: { PatientID: '1CT1' } });
  out.studies = studies.map(s => s['0020000D'].Value[0]);
  const studyInstanceUID = out.studies[0];
  const series = await client.searchForSeries({ studyInstanceUID });
  out.series = series.map(s => s['0020000E'].Value[0]);
  const seriesInstanceUID = out.series[0];
  const instances = await client.searchForInstances({ studyInstanceUID, seriesInstanceUID });
  const sopInstanceUID = instances[0]['00080018'].Value[0];
  out.instances = instances.length;
  const metadata = await client.retrieveSeriesMetadata({ studyInstanceUID, seriesInstanceUID });
  out.metadataRows = metadata[0]['00280010'].Value[0];
  out.pixelDataBulk = typeof metadata[0]['7FE00010'].BulkDataURI === 'string';
  const frames = await client.retrieveInstanceFrames({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, frameNumbers: [1] });
  out.frameBytes = frames[0].byteLength;
  const instance = await client.retrieveInstance({ studyInstanceUID, seriesInstanceUID, sopInstanceUID });
  out.instanceBytes = instance.byteLength;
  const rendered = await client.retrieveInstanceRendered({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, mediaTypes: [{ mediaType: 'image/jpeg' }] });
  // The client hands back a single-part image response as a one-element array of ArrayBuffers.
  const image = Array.isArray(rendered) ? rendered[0] : rendered;
  out.renderedJpeg = new Uint8Array(image)[0] === 0xff && new Uint8Array(image)[1] === 0xd8;
  out.renderedBytes = image.byteLength;
  console.log(JSON.stringify(out));
}

main().catch(e => { console.error(String(e && (e.stack || e.message || e))); process.exit(1); });
