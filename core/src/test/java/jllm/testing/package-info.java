/**
 * Test helpers other modules' tests reuse through core's test jar: {@link jllm.testing.SharedData} (the oracle
 * data in {@code ../shared}) and {@link jllm.testing.FakeHub} (a Hugging Face hub on loopback). The package is
 * one no main module holds, so that a module's tests, compiled into that module, still see it on the class path.
 */
package jllm.testing;
