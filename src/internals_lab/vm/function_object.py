"""`VMFunction`: the function object of code that runs in the teaching VM.

Design: calling a `VMFunction`, from VM code or from native code (`sorted(key=f)`, `map(f, ...)`,
a property getter, `__init_subclass__` called by `type`), binds the arguments the way CPython's
`initialize_locals` does (same error messages, 3.13's keyword suggestions included) and runs the
code in a new VM frame. Its attributes behave as `Objects/funcobject.c` defines them: typed
(`__defaults__` a tuple, `__name__` a str...), read-only (`__globals__`, `__closure__`,
`__builtins__`), and `__code__` assignment changes what runs. It binds as a method through
`__get__` and pickles by reference (module plus qualified name), as functions do.
"""
from __future__ import annotations

import types

# The VM's own code must not see a program's replacements of builtins (test_functools
# replaces builtins.len): these names are bound here once, at import.
from builtins import (bool, callable, dict, enumerate, getattr, isinstance, len, list, min, property, range,
                      setattr, str, sum, tuple, type, zip)  # noqa: A004
from .frame import NULL, VERSION

__all__ = ["VMFunction", "CO_VARARGS", "CO_VARKEYWORDS", "CO_GENERATOR", "CO_COROUTINE",
           "CO_ASYNC_GENERATOR", "CO_HAS_DOCSTRING"]

CO_VARARGS = 0x04
CO_VARKEYWORDS = 0x08
CO_GENERATOR = 0x20
CO_COROUTINE = 0x80
CO_ASYNC_GENERATOR = 0x200
CO_HAS_DOCSTRING = 0x4000000  # 3.14+: co_consts[0] is the docstring only when this is set


def _quoted_list(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return f"{quoted[0]} and {quoted[1]}"
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def _keyword_suggestion(code: types.CodeType, keyword: str) -> str:
    """3.13+: initialize_locals suggests the closest keyword parameter's name (same algorithm:
    `_suggestions` is the C helper CPython itself uses)."""
    if VERSION < (3, 13):
        return ""
    import _suggestions
    names = list(code.co_varnames[code.co_posonlyargcount:code.co_argcount + code.co_kwonlyargcount])
    suggestion = _suggestions._generate_suggestions(names, keyword) if names else None
    return f". Did you mean '{suggestion}'?" if suggestion else ""


_KIND_NAMES = {str: "string"}  # funcobject.c's wording


def _attribute(slot: str, doc: str, *, kind: type | None = None, what: str = "",
               deleted=NULL, readonly: bool = False, nullable: bool = True):
    """A function attribute (`__name__`, `__defaults__`, ...) kept in a slot, not in __dict__.

    `functools.wraps` copies the wrapped function's `__dict__` into the wrapper, so anything
    the VM stores in `__dict__` would leak into wrappers; real functions keep these apart too.
    The checks are `Objects/funcobject.c`'s: `kind` (or None) is what may be assigned, `deleted`
    what `del` leaves (NULL: deleting is the same type error), `readonly` a member
    descriptor's READONLY flag.
    """
    def get(self):
        return getattr(self, slot)

    def set_(self, value):
        if readonly:
            raise AttributeError("readonly attribute")
        if kind is not None and not isinstance(value, kind) and not (nullable and value is None):
            raise TypeError(f"{what} must be set to a {_KIND_NAMES.get(kind, kind.__name__)} object")
        setattr(self, slot, value)

    def delete(self):
        if readonly:
            raise AttributeError("readonly attribute")
        if deleted is NULL:
            raise TypeError(f"{what} must be set to a {_KIND_NAMES.get(kind, kind.__name__)} object")
        setattr(self, slot, deleted)
    return property(get, set_, delete, doc=doc)


# A function whose code runs in the teaching VM (the class has no docstring: `__doc__` is the
# per-function attribute below).
class VMFunction:
    __slots__ = ("_vm", "_code", "_globals", "_defaults", "_kwdefaults",
                 "_closure", "_annotations", "_annotate", "_doc", "_module", "_type_params", "_decoded",
                 "_builtins", "_nlocalsplus", "_keyword_slots", "_simple", "_generatorlike",
                 "_name", "_qualname", "__dict__", "__weakref__")

    # isinstance(f, types.FunctionType) and `f.__class__ is FunctionType` (types.coroutine,
    # inspect.isfunction) see a function; type(f) still names VMFunction (functions._present_as).
    __class__ = property(lambda self: types.FunctionType)

    __globals__ = _attribute("_globals", "the module namespace", readonly=True)
    __closure__ = _attribute("_closure", "cells of the free variables", readonly=True)
    __defaults__ = _attribute("_defaults", "defaults of positional parameters",
                              kind=tuple, what="__defaults__", deleted=None)
    __kwdefaults__ = _attribute("_kwdefaults", "defaults of keyword-only parameters",
                                kind=dict, what="__kwdefaults__", deleted=None)

    @property
    def __code__(self):
        """The code object; assigning one re-decodes it (func_set_code in funcobject.c)."""
        return self._code

    @__code__.setter
    def __code__(self, code):
        if not isinstance(code, types.CodeType):
            raise TypeError("__code__ must be set to a code object")
        nclosure = 0 if self._closure is None else len(self._closure)
        if nclosure != len(code.co_freevars):
            raise ValueError(f"{self.__name__}() requires a code object with {nclosure} free vars,"
                             f" not {len(code.co_freevars)}")
        self._use_code(code)

    @__code__.deleter
    def __code__(self):
        raise TypeError("__code__ must be set to a code object")
    if VERSION >= (3, 14):
        # PEP 649/749: the compiler gives the function an __annotate__ function (SET_FUNCTION_ATTRIBUTE
        # 16) and __annotations__ calls it on first access (function___annotations___get_impl in
        # Objects/funcobject.c), so annotations naming later definitions work.
        @property
        def __annotations__(self):
            if self._annotations is None:
                annotate = self._annotate
                if annotate is None or not callable(annotate):
                    self._annotations = {}
                else:
                    annotations = annotate(1)  # annotationlib.Format.VALUE
                    if not isinstance(annotations, dict):
                        raise TypeError(f"__annotate__ returned non-dict of type '{type(annotations).__name__}'")
                    self._annotations = annotations
            return self._annotations

        @__annotations__.setter
        def __annotations__(self, value):
            if value is not None and not isinstance(value, dict):
                raise TypeError("__annotations__ must be set to a dict object")
            self._annotations = value
            self._annotate = None

        @__annotations__.deleter
        def __annotations__(self):
            self._annotations = None
            self._annotate = None

        @property
        def __annotate__(self):
            return self._annotate

        @__annotate__.setter
        def __annotate__(self, value):
            if value is not None and not callable(value):
                raise TypeError("__annotate__ must be callable or None")
            self._annotate = value
            if value is not None:
                self._annotations = None

        @__annotate__.deleter
        def __annotate__(self):
            raise TypeError("__annotate__ cannot be deleted")
    else:
        @property
        def __annotations__(self):
            if self._annotations is None:  # deleted: a new empty dict on the next access
                self._annotations = {}
            return self._annotations

        @__annotations__.setter
        def __annotations__(self, value):
            if value is not None and not isinstance(value, dict):
                raise TypeError("__annotations__ must be set to a dict object")
            self._annotations = value

        @__annotations__.deleter
        def __annotations__(self):
            self._annotations = None
    __doc__ = _attribute("_doc", "the docstring", deleted=None)
    __module__ = _attribute("_module", "the module's __name__", deleted=None)
    __name__ = _attribute("_name", "the function's name", kind=str, what="__name__", nullable=False)
    # (__qualname__ is added after the class statement: see _QUALNAME below.)
    if VERSION >= (3, 12):
        @property
        def __type_params__(self):
            return self._type_params

        @__type_params__.setter
        def __type_params__(self, value):
            if not isinstance(value, tuple):
                raise TypeError("__type_params__ must be set to a tuple")
            self._type_params = value

        @__type_params__.deleter
        def __type_params__(self):
            raise TypeError("__type_params__ must be set to a tuple")

    def __init__(self, vm, code: types.CodeType, globals_: dict, qualname: str | None = None,
                 defaults=None, kwdefaults=None, closure=None, annotations=None) -> None:
        self._vm = vm
        self._code = code
        self._globals = globals_
        self._name = code.co_name
        self._qualname = qualname or code.co_qualname
        self._defaults = defaults
        self._kwdefaults = kwdefaults
        self._closure = closure
        if isinstance(annotations, tuple):  # flattened (name, value, name, value, ...)
            annotations = dict(zip(annotations[::2], annotations[1::2]))
        self._annotate = None
        if VERSION >= (3, 14):
            self._annotations = annotations  # None: computed from __annotate__ when asked for
        else:
            self._annotations = annotations if annotations is not None else {}
        consts = code.co_consts
        if VERSION >= (3, 14):
            # PyFunction_New (Objects/funcobject.c): the first constant is the docstring only
            # when the compiler says so with CO_HAS_DOCSTRING.
            self._doc = consts[0] if code.co_flags & CO_HAS_DOCSTRING else None
        else:
            # Up to 3.13 the compiler makes the docstring (or None) a function's first constant.
            self._doc = consts[0] if consts and isinstance(consts[0], str) else None
        self._module = globals_.get("__name__")
        self._type_params = ()
        self._builtins = vm.builtins_for(globals_)
        self._use_code(code)

    def _use_code(self, code: types.CodeType) -> None:
        """Run `code` from now on: decode it and precompute how calls bind its arguments."""
        self._code = code
        self._decoded = self._vm.decoded(code)
        self._nlocalsplus = len(self._decoded.names)
        argcount = code.co_argcount
        total = argcount + code.co_kwonlyargcount
        self._keyword_slots = {name: i for i, name in
                               enumerate(code.co_varnames[:total]) if i >= code.co_posonlyargcount}
        self._simple = not (code.co_flags & (CO_VARARGS | CO_VARKEYWORDS)) and not code.co_kwonlyargcount
        self._generatorlike = code.co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)

    # -- calling ---------------------------------------------------------------------------
    # `self` is positional-only: a keyword argument named "self" belongs to the program.
    def __call__(self, /, *args, **kwargs):
        return self._vm.call_function(self, args, kwargs)

    def bind_arguments(self, args: tuple, kwargs: dict | None) -> list:
        """The new frame's fast locals, filled as CPython's `initialize_locals` fills them."""
        code = self._code
        n = code.co_argcount
        nargs = len(args)
        if self._simple and not kwargs and nargs == n:
            localsplus = list(args)
            localsplus.extend([NULL] * (self._nlocalsplus - n))
            return localsplus
        localsplus = [NULL] * self._nlocalsplus
        nk = code.co_kwonlyargcount
        flags = code.co_flags
        qualname = self.__qualname__
        total = n + nk
        if flags & CO_VARARGS:
            localsplus[total] = tuple(args[n:])
            total_slots = total + 1
        else:
            total_slots = total
        localsplus[:min(nargs, n)] = args[:n]
        kwdict = None
        if flags & CO_VARKEYWORDS:
            kwdict = {}
            localsplus[total_slots] = kwdict
        if kwargs:
            for key, value in kwargs.items():
                slot = self._keyword_slots.get(key)
                if slot is None:
                    if type(key) is not str and not isinstance(key, str):
                        # _PyStack_UnpackDict's check, before any binding (f(**{1: 2})).
                        raise TypeError("keywords must be strings")
                    if kwdict is None:
                        posonly = [k for k in kwargs if k in code.co_varnames[:code.co_posonlyargcount]]
                        if posonly:
                            raise TypeError(f"{qualname}() got some positional-only arguments passed "
                                            f"as keyword arguments: '{', '.join(posonly)}'")
                        raise TypeError(f"{qualname}() got an unexpected keyword argument '{key}'"
                                        + _keyword_suggestion(code, key))
                    kwdict[key] = value
                    continue
                if localsplus[slot] is not NULL:
                    raise TypeError(f"{qualname}() got multiple values for argument '{key}'")
                localsplus[slot] = value
        if nargs > n and not (flags & CO_VARARGS):
            defaults = self._defaults or ()
            kwonly_given = sum(1 for i in range(n, n + nk) if localsplus[i] is not NULL)
            if defaults:
                sig = f"from {n - len(defaults)} to {n}"
                plural = True
            else:
                sig = str(n)
                plural = n != 1
            kwonly_sig = ""
            if kwonly_given:
                kwonly_sig = (f" positional argument{'s' if nargs != 1 else ''} (and {kwonly_given} "
                              f"keyword-only argument{'s' if kwonly_given != 1 else ''})")
            raise TypeError(f"{qualname}() takes {sig} positional argument{'s' if plural else ''} "
                            f"but {nargs}{kwonly_sig} {'was' if nargs == 1 and not kwonly_given else 'were'} given")
        if nargs < n:
            defaults = self._defaults or ()
            first_default = n - len(defaults)
            missing = []
            for i in range(nargs, n):
                if localsplus[i] is NULL:
                    if i >= first_default:
                        localsplus[i] = defaults[i - first_default]
                    else:
                        missing.append(code.co_varnames[i])
            if missing:
                raise TypeError(f"{qualname}() missing {len(missing)} required positional "
                                f"argument{'s' if len(missing) > 1 else ''}: {_quoted_list(missing)}")
        if nk:
            kwdefaults = self._kwdefaults or {}
            missing = []
            for i in range(n, n + nk):
                if localsplus[i] is NULL:
                    name = code.co_varnames[i]
                    if name in kwdefaults:
                        localsplus[i] = kwdefaults[name]
                    else:
                        missing.append(name)
            if missing:
                raise TypeError(f"{qualname}() missing {len(missing)} required keyword-only "
                                f"argument{'s' if len(missing) > 1 else ''}: {_quoted_list(missing)}")
        return localsplus

    # -- behaving like a function ----------------------------------------------------------
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __repr__(self) -> str:
        return f"<function {self.__qualname__} at {id(self):#x}>"

    def __reduce__(self):
        # Pickled by reference, as CPython pickles functions (save_global): the name is looked
        # up as `__qualname__` in the module named by `__module__` when unpickling.
        return self.__qualname__

    # copy and deepcopy treat functions as atoms.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    __builtins__ = _attribute("_builtins", "the builtins the function's code uses", readonly=True)


def _install_qualname(cls: type) -> None:
    """Give `cls` a typed `__qualname__` attribute for its instances, kept in a slot.

    A class statement cannot define it: `type.__new__` takes a `__qualname__` key of the class
    body as the class's own qualified name. So it goes into the class's dict afterwards (the
    dict behind the read-only mappingproxy), and the type's attribute cache is then reset by an
    ordinary assignment. The class itself still reports its own name (type's own descriptor).
    """
    import gc
    (namespace,) = [d for d in gc.get_referents(cls.__dict__) if isinstance(d, dict)]
    namespace["__qualname__"] = _attribute("_qualname", "the qualified name", kind=str,
                                           what="__qualname__", nullable=False)
    cls._qualname_installed = True  # PyType_Modified: forget cached lookups of the old layout
    del cls._qualname_installed


_install_qualname(VMFunction)
