-- Prints wrk's summary as one JSON line, with latencies in microseconds.
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests":%d,"durationMicros":%d,"p50":%d,"p99":%d,"max":%d,' ..
    '"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,"statusErrors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
end
