/** The package ships no types: its default export is Redis Cluster's slot of a key (CRC16 of the tag). */
declare module 'cluster-key-slot' {
  function generate(key: string | Buffer): number;
  export default generate;
}
