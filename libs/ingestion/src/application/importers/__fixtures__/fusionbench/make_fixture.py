"""Writes the small LLMFusionBench fixture (paper section 1.7 schema) as pandas would export it.

Run from this directory: python3 make_fixture.py. Output is committed; tests never run this script.
Three queries x 20 LLMs x 2 prompt modes = 120 rows, in 40-row blocks (llm0, llm0_think, ..., llm19_think).
Quirks kept on purpose: code-task performance as "{'pass@1': x}" strings (one wrapped in np.float64), one
"np.float64(x)" scalar, cost in micro-dollars, embeddings only on a block's first row (one full 768-d
tensor, one summarised the way torch prints long tensors), one failed call with an empty response, a think
prompt whose step-by-step line sits inside the template (GSM8K). Task description embeddings are summarised.
"""
import csv
import json
import math

LLMS = [  # (name, input $/M, output $/M), paper section 1.4 order
    ("qwen2-7b-instruct", 0.2, 0.2), ("qwen2.5-7b-instruct", 0.2, 0.2), ("gemma-7b", 0.2, 0.2),
    ("codegemma-7b", 0.2, 0.2), ("gemma-2-9b-it", 0.1, 0.1), ("llama-3.1-8b-instruct", 0.2, 0.2),
    ("granite-3.0-8b-instruct", 0.2, 0.2), ("llama3-chatqa-1.5-8b", 0.2, 0.2),
    ("mistral-nemo-12b-instruct", 0.3, 0.3), ("mistral-7b-instruct-v0.3", 0.2, 0.2),
    ("llama-3.3-nemotron-super-49b-v1", 0.9, 0.9), ("llama-3.1-nemotron-51b-instruct", 0.9, 0.9),
    ("llama3-chatqa-1.5-70b", 0.9, 0.9), ("llama-3.1-70b-instruct", 0.9, 0.9), ("llama3-70b-instruct", 0.9, 0.9),
    ("granite-34b-code-instruct", 0.8, 0.8), ("mixtral-8x7b-instruct-v0.1", 0.6, 0.6), ("deepseek-r1", 0.55, 2.19),
    ("mixtral-8x22b-instruct-v0.1", 1.2, 1.2), ("palmyra-creative-122b", 1.8, 1.8),
]

COLUMNS = ["task_name", "task_id", "task_description", "task_description_embedding", "query", "query_embedding",
           "ground_truth", "metric", "llm", "input_price", "output_price", "input_tokens_num", "output_tokens_num",
           "performance", "cost", "response", "llm_description", "llm_judge"]


def full_tensor(seed):
    return "tensor([" + ", ".join(f"{math.sin(seed + i) * 0.1:.4f}" for i in range(768)) + "])"


def summarised_tensor(seed):
    head = ", ".join(f"{math.cos(seed + i) * 0.1:.4f}" for i in range(3))
    tail = ", ".join(f"{math.cos(seed + 765 + i) * 0.1:.4f}" for i in range(3))
    return f"tensor([{head},  ..., {tail}])"


QUERIES = [
    dict(task_name="gsm8k", task_id=None, metric="GSM8K",
         task_description="GSM8K is a dataset of grade school math word problems that test multi-step arithmetic reasoning.",
         direct="\n    Answer the following question.\n    Question: Tom has 3 boxes with 4 apples each. He eats 2 apples. How many are left?\n    ",
         think="\n    Answer the following question. Let's think step by step.\n    Question: Tom has 3 boxes with 4 apples each. He eats 2 apples. How many are left?\n    ",
         ground_truth="3 * 4 = 12, 12 - 2 = 10\n#### 10", embedding="full"),
    dict(task_name="mmlu", task_id=None, metric="em_mc",
         task_description="MMLU measures knowledge across 57 subjects with multiple-choice questions.",
         direct='Choose the correct option (A, B, C or D) and put the letter in parentheses, e.g. "(A)".\n## Question:\nWhich planet is known as the "Red Planet"?\n## Options:\nA. Venus\nB. Mars\nC. Jupiter\nD. Saturn',
         think=None, ground_truth="B", embedding="summarised"),
    dict(task_name="mbpp", task_id=11, metric="code_eval",
         task_description="MBPP contains entry-level Python programming problems checked by unit tests.",
         direct="You are an expert Python programmer, and here is your task: Write a function to remove the first and last occurrence of a given character from the string.\nYour code should pass these tests:\nassert remove_Occ(\"hello\",\"l\") == \"heo\"",
         think=None, ground_truth='["assert remove_Occ(\\"hello\\",\\"l\\") == \\"heo\\""]', embedding=None),
]


def rows():
    out = []
    for qi, q in enumerate(QUERIES):
        think = q["think"] if q["think"] else q["direct"] + "\nLet's think step by step."
        for li, (llm, pin, pout) in enumerate(LLMS):
            for mode in ("direct", "think"):
                k = qi * 40 + li * 2 + (mode == "think")
                first = li == 0 and mode == "direct"
                in_tok = 40 + (k * 7) % 60 + (12 if mode == "think" else 0)
                out_tok = 0 if k == 57 else 20 + (k * 13) % 300
                correct = (k * 5 + qi) % 3 != 0
                if q["task_name"] == "mbpp":
                    perf = f"{{'pass@1': np.float64({1.0 if correct else 0.0})}}" if k % 7 == 0 else f"{{'pass@1': {1.0 if correct else 0.0}}}"
                elif k == 45:
                    perf = "np.float64(1.0)"
                else:
                    perf = 1.0 if correct else 0.0
                if k == 57:  # failed call
                    perf, response = 0.0, ""
                else:
                    response = f"Answer from {llm} ({mode}): " + ("(B)" if correct else "(A)") + "\nDone, \"quoted\", with a comma."
                emb = ""
                if first and q["embedding"] == "full":
                    emb = full_tensor(qi)
                elif first and q["embedding"] == "summarised":
                    emb = summarised_tensor(qi)
                out.append({
                    "task_name": q["task_name"], "task_id": q["task_id"], "task_description": q["task_description"],
                    "task_description_embedding": summarised_tensor(qi + 100) if emb else "",
                    "query": q["direct"] if mode == "direct" else think, "query_embedding": emb,
                    "ground_truth": q["ground_truth"], "metric": q["metric"],
                    "llm": llm if mode == "direct" else llm + "_think",
                    "input_price": pin, "output_price": pout, "input_tokens_num": in_tok, "output_tokens_num": out_tok,
                    "performance": perf, "cost": round(in_tok * pin + out_tok * pout, 6), "response": response,
                    "llm_description": f"{llm} is an open model served at ${pin} per million tokens.",
                    "llm_judge": round(((k * 37) % 101) / 100, 2),
                })
    return out


def main():
    data = rows()
    with open("fusionbench_train.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in data:
            w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    with open("fusionbench_train.jsonl", "w", encoding="utf-8") as f:
        for r in data:
            f.write(json.dumps({k: (None if v == "" and k.endswith("embedding") else v) for k, v in r.items()}) + "\n")


if __name__ == "__main__":
    main()
