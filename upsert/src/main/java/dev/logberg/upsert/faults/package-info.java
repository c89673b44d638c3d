/**
 * Not API: the test hook that stops a process at a named point between the commits of a run, for
 * the fault-injection tests (runners/it's ExactlyOnceIT kills forked jars there). It is public only
 * because beam-pipeline's steps reach points too; it does nothing unless the system property {@code
 * logberg.faultPoint} names the point. The upsert API is the package {@code dev.logberg.upsert}.
 */
package dev.logberg.upsert.faults;
