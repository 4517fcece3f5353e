/**
 * JSON Schema: a draft 2020-12 validator for instances ({@link jllm.generate.schema.SchemaValidator}) and
 * the compiler from schemas to grammars for constrained decoding ({@link jllm.generate.schema.SchemaGrammar}).
 */
package jllm.generate.schema;
