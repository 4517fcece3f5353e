/** A strict, dependency-free JSON reader for the JSON found in model folders. */
package jllm.format.json;
