/**
 * The benchmark suite of issue 7: a load generator that runs the same workloads against Dualkey and its peers
 * (moto, s3proxy, nginx) one server at a time, on loopback, and writes one comparison table.
 *
 * <p>Entry point {@link dev.dualkey.compat.bench.BenchMain}, started by {@code compat-tests/bench/run.sh}. This is
 * not a test: nothing here is named {@code *Test}, so surefire never runs it (tests never time things). Each server
 * runs as its own process, so its CPU time ({@code /proc/PID/stat}) and peak RSS ({@code VmHWM}) are its own; the
 * load generator, wrk and the server share the machine's cores.
 */
package dev.dualkey.compat.bench;
