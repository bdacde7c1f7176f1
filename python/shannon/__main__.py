"""python3 -m shannon: the frameworks' functions (shannon.torch, .torch.special, .torch.distributions,
.jax, .keras, .optax, .scipy, ...) from the command line, on .npy files or literal values.

    python3 -m shannon torch.nn.functional.cross_entropy @logits.npy @labels.npy --label_smoothing 0.1
    python3 -m shannon torch.cross_entropy @logits.npy @labels.npy --check @kernel_loss.npy
    python3 -m shannon torch.special.entr @x.npy --output exact.npy
    python3 -m shannon torch.distributions.kl_divergence "Normal(@loc.npy, 2.0)" "Normal(0.0, 1.0)"
    python3 -m shannon --list

The function is named as the framework names it (torch.nn.functional.cross_entropy,
keras.losses.huber, optax.losses.log_cosh, scipy.special.entr, jax.nn.softmax) or as shannon does
(torch.cross_entropy, keras.huber); its arguments are given in the framework's order and its options
as --name value, with the framework's names. The `shannon` command (C++) has the information measures
and the losses of the core; this one has every function of profiles/registry.hpp's list, through the
Python package itself (the same code as `import shannon.torch`), so that nothing is written twice.

A value is read as: @PATH — a .npy file, its dtype kept (a float32 array gives float32 results, as in
the framework); a number (decimal, inf, nan, or a hex float such as 0x1.8p-3), read as the nearest
binary64 number; a Python literal (a list, a tuple, None, True, a quoted string); a distribution of
torch.distributions such as Normal(@loc.npy, 2.0) (its arguments values as above); anything else a
string (mean, sum, none). Output: the correctly rounded value (the shortest decimal that reads back
to it in its dtype), one per line for an array, or --output FILE.npy; --digits N correct digits;
--enclose an enclosure; --check VALUES the ulp error of another implementation's results (exit
status 1 over --max-ulps, default 1). Errors: the library's message on stderr and exit status 2.
"""

import argparse
import ast
import importlib
import json
import re
import sys

import numpy as np

from . import _core

_PREFIXES = ("torch.nn.functional.", "keras.losses.", "optax.losses.", "tf.keras.losses.")


class _UsageError(Exception):
    pass


def _registry():
    """(framework, name, the function it reproduces, has a gradient) of every profile function."""
    return [tuple(f) for f in _core.profile_functions()]


def _resolve(spec):
    """The shannon function named `spec` (the framework's name or shannon's) and its display name."""
    grad = spec.endswith("_grad")
    base = spec[: -len("_grad")] if grad else spec
    for framework, name, reproduces, gradient in _registry():
        shannon_name = f"{framework}.{name}"
        if base in (reproduces, shannon_name):
            if grad and not gradient:
                raise _UsageError(f"'{spec}': {reproduces} has no gradient in shannon")
            module = importlib.import_module(f"shannon.{framework}")
            return getattr(module, name + ("_grad" if grad else "")), shannon_name + ("_grad" if grad else "")
    raise _UsageError(f"unknown function '{spec}' (python3 -m shannon --list shows the functions)")


def _load(path):
    try:
        return np.load(path, allow_pickle=False)
    except OSError as e:
        raise _UsageError(f"cannot read '{path}': {e.strerror or e}") from None
    except ValueError as e:
        raise _UsageError(f"'{path}' is not a .npy file of numbers: {e}") from None


_NUMBER = re.compile(r"^[+-]?(inf|infinity|nan|0x[0-9a-f.]+(p[+-]?\d+)?|(\d+\.?\d*|\.\d+)(e[+-]?\d+)?)$", re.I)


def _number(text):
    if text.lower().lstrip("+-").startswith("0x"):
        return float.fromhex(text)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return float(text)


def _distribution(text):
    """A torch.distributions object of shannon's such as Normal(@loc.npy, 2.0)."""
    from .torch import distributions as D

    files = {}

    def keep(m):
        files[f"__file{len(files)}"] = m.group(1)
        return f"__file{len(files) - 1}"

    source = re.sub(r"@([^,\s()]+)", keep, text)
    try:
        call = ast.parse(source, mode="eval").body
    except SyntaxError:
        raise _UsageError(f"cannot read the distribution '{text}'") from None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        raise _UsageError(f"cannot read the distribution '{text}'")
    family = getattr(D, call.func.id, None)
    if not isinstance(family, type):
        raise _UsageError(f"'{call.func.id}' is not a distribution of shannon.torch.distributions")

    def value(node):
        if isinstance(node, ast.Name) and node.id in files:
            return _load(files[node.id])
        if isinstance(node, ast.Name) and node.id.lower() in ("inf", "nan"):
            return float(node.id)
        try:
            return ast.literal_eval(node)
        except ValueError:
            raise _UsageError(f"cannot read the argument '{ast.unparse(node)}' of '{text}'") from None

    return family(*[value(a) for a in call.args], **{k.arg: value(k.value) for k in call.keywords})


def parse_value(text):
    """A command-line value: @file.npy, a number, a Python literal, a distribution or a string."""
    if text.startswith("@"):
        return _load(text[1:])
    if _NUMBER.match(text):
        return _number(text)
    if re.match(r"^[A-Z]\w*\s*\(", text):
        return _distribution(text)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _options(rest):
    """Positional arguments and --name value options of the function."""
    args, kwargs = [], {}
    i = 0
    while i < len(rest):
        item = rest[i]
        if item.startswith("--") and len(item) > 2:
            name, eq, value = item[2:].partition("=")
            if not eq:
                if i + 1 >= len(rest):
                    raise _UsageError(f"--{name} needs a value")
                i += 1
                value = rest[i]
            kwargs[name.replace("-", "_")] = parse_value(value)
        else:
            args.append(parse_value(item))
        i += 1
    return args, kwargs


def _text(v):
    """The shortest decimal that reads back to v in its dtype (numpy's str of a float32 is float32's), or
    the Decimal."""
    if isinstance(v, np.floating):
        return str(v)
    return repr(v) if isinstance(v, float) else str(v)


def _lines(value):
    if isinstance(value, dict):
        return [f"{k}: {' '.join(_text(x) for x in np.ravel(v))}" for k, v in value.items()]
    if isinstance(value, np.ndarray):
        return [_text(x) for x in value.ravel()]
    return [_text(value)]


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _text(value[()])
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "dtype": str(value.dtype), "values": [_jsonable(x) for x in value.ravel()]}
    if isinstance(value, tuple):
        return [_jsonable(x) for x in value]
    if isinstance(value, list):
        return [_jsonable(x) for x in value]
    return _text(value)


def _parser():
    p = argparse.ArgumentParser(
        prog="python3 -m shannon",
        description="The exact values of the frameworks' functions (torch, torch.special, torch.distributions, jax, "
        "keras, optax, scipy), correctly rounded, with the frameworks' conventions.",
        epilog="Arguments in the framework's order and its options as --name value (values: @file.npy, numbers, "
        "Python literals, distributions such as 'Normal(@loc.npy, 2.0)', strings). Unknown --options go to the "
        "function. Errors: a message on stderr and exit status 2.",
    )
    p.add_argument("function", nargs="?", help="e.g. torch.nn.functional.cross_entropy or torch.cross_entropy; add "
                   "_grad for the gradient")
    p.add_argument("--list", action="store_true", help="list the functions")
    p.add_argument("--doc", action="store_true", help="print the function's documentation")
    p.add_argument("--dtype", help="round to float64, float32, bfloat16 or float16 (default: the inputs')")
    p.add_argument("--digits", type=int, help="N correct significant digits")
    p.add_argument("--enclose", action="store_true", help="an enclosure of the exact value (--bits, default 256)")
    p.add_argument("--bits", type=int, default=256, help="the enclosure's precision")
    p.add_argument("--check", metavar="VALUES", help="another implementation's results (@file.npy or numbers): "
                   "print their ulp errors")
    p.add_argument("--max-ulps", type=float, default=1.0, help="--check: the largest accepted |ulp error| (default 1)")
    p.add_argument("--output", metavar="FILE.npy", help="write the result to a .npy (.npz for a gradient) file")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    return p


def _check(f, name, args, kwargs, spec, max_ulps, as_json, dtype):
    actual = parse_value(spec if spec.startswith("@") else spec if "," not in spec else f"[{spec}]")
    if not isinstance(actual, (np.ndarray, int, float, list)):
        raise _UsageError(f"--check {spec}: not numbers or a .npy file")
    errors = np.atleast_1d(np.asarray(f.ulp_error(actual, *args, dtype=dtype, **kwargs), dtype=np.float64))
    over = int(np.count_nonzero(~(np.abs(errors) <= max_ulps)))
    worst = int(np.nanargmax(np.abs(errors))) if np.isfinite(errors).any() else 0
    if as_json:
        print(json.dumps({"function": name, "ulp_errors": [float(e) for e in errors],
                          "max_abs_ulp": float(np.abs(errors[worst])), "worst_case": worst, "over_max_ulps": over}))
    else:
        if errors.size <= 20:
            for i, e in enumerate(errors):
                print(f"{i} {e:+.3f}")
        print(f"{errors.size} value{'s' if errors.size != 1 else ''}: max |error| {abs(errors[worst]):.3f} ulp (index {worst}), "
              f"mean {np.mean(np.abs(errors)):.3f} ulp, {over} over {max_ulps:g} ulp")
    return 1 if over else 0


def main(argv=None):
    parser = _parser()
    opts, rest = parser.parse_known_args(argv)
    if opts.list:
        for framework, name, reproduces, gradient in _registry():
            print(f"{reproduces:58} shannon.{framework}.{name}{' (and _grad)' if gradient else ''}")
        return 0
    if not opts.function:
        parser.print_usage(sys.stderr)
        print("python3 -m shannon: error: a function is needed (--list shows them)", file=sys.stderr)
        return 2
    try:
        f, name = _resolve(opts.function)
        if opts.doc:
            print(f.__doc__ or "")
            return 0
        args, kwargs = _options(rest)
        if opts.check is not None:
            return _check(f, name, args, kwargs, opts.check, opts.max_ulps, opts.json, opts.dtype)
        if opts.enclose:
            value = f.enclose(*args, bits=opts.bits, **kwargs)
        elif opts.digits is not None:
            value = f(*args, digits=opts.digits, **kwargs)
        else:
            value = f(*args, dtype=opts.dtype, **kwargs) if opts.dtype else f(*args, **kwargs)
    except _UsageError as e:
        print(f"python3 -m shannon: error: {e}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, NotImplementedError, ArithmeticError) as e:
        print(f"python3 -m shannon: error: {e}", file=sys.stderr)
        return 2
    if opts.output:
        if isinstance(value, dict):
            np.savez(opts.output, **{k: np.asarray(v) for k, v in value.items()})
        else:
            np.save(opts.output, np.asarray(value))
        return 0
    if opts.json:
        print(json.dumps({"function": name, "value": _jsonable(value)}))
        return 0
    if opts.enclose:
        pairs = value if isinstance(value, list) else [value]
        for lo, hi in pairs:
            print(f"[{lo}, {hi}]")
        return 0
    for line in _lines(value):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
