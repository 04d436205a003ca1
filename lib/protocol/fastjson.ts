// JSON reader/writer compatible with Alibaba fastjson 1.2.x as RocketMQ uses it for bodies (and JSON headers).
//
// fastjson departs from standard JSON in ways that reach the wire:
//  * Map keys that are not strings are written bare: Long/Integer keys as `{0:"127.0.0.1:20911"}`, bean keys
//    (MessageQueue) as the bean's own JSON: `{{"brokerName":"b","queueId":3,"topic":"T"}:0}`.
//  * Bean fields are written in alphabetical order and null fields are left out; Map entries keep the Map's
//    iteration order (HashMap order on the Java side) and null values are left out too.
//  * double values use Java's Double.toString form: `100.0`, `0.28`, `1.0E7`.
//  * With BrowserCompatible (namesrv GET_ROUTEINFO_BY_TOPIC for clients >= V4_9_4) non-string keys become JSON
//    strings (`{"0":...}`), non-ASCII and '/' are escaped, longs beyond 2^53 are quoted.
//
// Reading model (parseFastJson): every object becomes an FJObject that keeps its entries in order with keys of any
// kind (string, number, bigint, FJObject, ...). Integers within Number.MAX_SAFE_INTEGER become `number`; larger
// integers (Java longs) become `bigint` so no precision is lost. Numbers with a fraction or exponent become
// `number`, or an FJDouble when `{ doubles: 'wrap' }` is asked for, so that re-writing keeps `100.0` as `100.0`.
//
// Writing model (stringifyFastJson): a plain JS object is a Java bean (fields sorted, null/undefined skipped);
// a Map or FJObject is a Java Map (order kept); arrays and Sets are JSON arrays; FJDouble is a Java double.

export * from './fastjson-model.ts';
export * from './fastjson-parse.ts';
export * from './fastjson-write.ts';
