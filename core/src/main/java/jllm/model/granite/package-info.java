/** The granite architecture (IBM Granite 3.x dense): llama's layer with four scales. */
package jllm.model.granite;
