/**
 * The llama block's operations as forward/backward pairs, written plainly (as llm.c does): each
 * {@code forward} keeps what its {@code backward} needs, each {@code backward} adds into the
 * gradients it is given. Matrices are row-major {@code float[]}; every op has a finite-difference
 * gradient test.
 */
package jllm.train.ops;
