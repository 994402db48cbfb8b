// Drives Enamel's DICOMweb with the dicomweb-client package (the library OHIF uses). Usage: node client.js BASEURL FILE.dcm
// Prints one JSON object with what each call returned; the C# test asserts on it.
global.XMLHttpRequest = require('xhr2');
// The library logs progress to stdout (console.debug in retrieveInstanceFramesThumbnail): keep stdout for the result alone.
const print = console.log;
console.log = console.debug = console.info = (...args) => console.error(...args);
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
  // Compressed frames as a viewer asks for them: JPEG-LS lossless by media type and transfer syntax.
  const jls = await client.retrieveInstanceFrames({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, frameNumbers: [1],
    mediaTypes: [{ mediaType: 'image/jls', transferSyntaxUID: '1.2.840.10008.1.2.4.80' }] });
  const jlsBytes = new Uint8Array(jls[0]);
  out.jlsFrame = jlsBytes[0] === 0xff && jlsBytes[1] === 0xd8 && jlsBytes[2] === 0xff && jlsBytes[3] === 0xf7;
  // Thumbnails: of the instance with OHIF's accept query parameter, and of a frame by media type, both kept within a viewport.
  const thumb = await client.retrieveInstanceThumbnail({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, queryParams: { accept: 'image/jpeg', viewport: '64,64' } });
  const thumbBytes = new Uint8Array(Array.isArray(thumb) ? thumb[0] : thumb);
  out.thumbnailJpeg = thumbBytes[0] === 0xff && thumbBytes[1] === 0xd8;
  const frameThumb = await client.retrieveInstanceFramesThumbnail({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, frameNumbers: [1], mediaTypes: [{ mediaType: 'image/png' }] });
  const frameThumbBytes = new Uint8Array(Array.isArray(frameThumb) ? frameThumb[0] : frameThumb);
  out.frameThumbnailPng = frameThumbBytes[0] === 0x89 && frameThumbBytes[1] === 0x50;
  print(JSON.stringify(out));
}

main().catch(e => { console.error(String(e && (e.stack || e.message || e))); process.exit(1); });
