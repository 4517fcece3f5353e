package jllm.chat;
