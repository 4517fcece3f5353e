# Renders a tool conversation through real chat templates with transformers' apply_chat_template (Jinja2),
# the reference for ToolTemplateTest. Run from the repo root:
#   /work/venv/bin/python chat/src/test/resources/jllm/chat/tools/make_expected.py ../shared/data/tokenizers/chat-templates
# It writes <template>.txt beside this script. Tests never run Python.
import json, os, sys
from transformers.utils.chat_template_utils import render_jinja_template

TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}}}]

CONVERSATION = [
    {"role": "system", "content": "You are helpful."},
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"id": "call12345", "type": "function",
         "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "c"}}}]},
    {"role": "tool", "tool_call_id": "call12345", "name": "get_weather", "content": "{\"temp\": 21}"},
    {"role": "assistant", "content": "It is 21 C in Paris."},
    {"role": "user", "content": "Thanks!"},
]
THINKING = [
    {"role": "user", "content": "2+2?"},
    {"role": "assistant", "content": "4", "reasoning_content": "Two plus two is four."},
    {"role": "user", "content": "3+3?"},
]
# reasoning after the last user turn is kept by Qwen3's template
THINKING_TOOL = [
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": "", "reasoning_content": "I should call the tool.", "tool_calls": [
        {"id": "call12345", "type": "function",
         "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "tool_call_id": "call12345", "name": "get_weather", "content": "{\"temp\": 21}"},
]

CASES = {
    "Qwen-Qwen2.5-7B-Instruct.jinja": dict(bos="", eos="<|im_end|>"),
    "NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja": dict(bos="<|begin_of_text|>", eos="<|im_end|>"),
    "meta-llama-Llama-3.1-8B-Instruct.jinja": dict(bos="<|begin_of_text|>", eos="<|eot_id|>", date_string="26 Jul 2024"),
    "mistralai-Mistral-Nemo-Instruct-2407.jinja": dict(bos="<s>", eos="</s>"),
    "Qwen-Qwen3-0.6B.jinja": dict(bos="", eos="<|im_end|>"),
}

folder = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
for name, kw in CASES.items():
    source = open(os.path.join(folder, name), encoding="utf-8").read()
    extra = {k: v for k, v in kw.items() if k not in ("bos", "eos")}
    out, _ = render_jinja_template(conversations=[CONVERSATION], tools=TOOLS, chat_template=source,
                                   add_generation_prompt=True, bos_token=kw["bos"], eos_token=kw["eos"], **extra)
    open(os.path.join(here, name.replace(".jinja", ".tools.txt")), "w", encoding="utf-8").write(out[0])
    if name.startswith("Qwen-Qwen3"):
        for flag in (True, False):
            out, _ = render_jinja_template(conversations=[THINKING], chat_template=source, add_generation_prompt=True,
                                           bos_token=kw["bos"], eos_token=kw["eos"], enable_thinking=flag)
            open(os.path.join(here, name.replace(".jinja", ".thinking-%s.txt" % str(flag).lower())), "w",
                 encoding="utf-8").write(out[0])
        out, _ = render_jinja_template(conversations=[THINKING_TOOL], tools=TOOLS, chat_template=source,
                                       add_generation_prompt=True, bos_token=kw["bos"], eos_token=kw["eos"])
        open(os.path.join(here, name.replace(".jinja", ".thinking-tool.txt")), "w", encoding="utf-8").write(out[0])
