# %% try_except_else_finally
def f(x):
    try:
        r = 10 / x
    except ZeroDivisionError:
        print("div by zero")
        return "except"
    else:
        print("no error")
        return r
    finally:
        print("finally", x)
result = (f(2), f(0))
# %% except_tuple_and_as
for bad in ([].pop, lambda: {}["k"], lambda: int("x")):
    try:
        bad()
    except (IndexError, KeyError) as e:
        print("lookup", type(e).__name__, e)
    except ValueError as e:
        print("value", e)
# %% exception_variable_deleted
try:
    raise ValueError("v")
except ValueError as e:
    pass
print("e" in dir())
# %% raise_from
try:
    try:
        {}["k"]
    except KeyError as e:
        raise RuntimeError("wrapped") from e
except RuntimeError as e:
    result = (repr(e.__cause__), repr(e.__context__), e.__suppress_context__)
# %% raise_from_none
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("clean") from None
except ValueError as e:
    result = (e.__cause__, repr(e.__context__), e.__suppress_context__)
# %% implicit_chaining
try:
    try:
        raise KeyError("first")
    except KeyError:
        undefined_thing
except NameError as e:
    result = (str(e), repr(e.__context__), e.__cause__)
# %% chaining_in_called_function
def cleanup():
    return 1 / 0
try:
    try:
        raise OSError("disk")
    except OSError:
        cleanup()
except ZeroDivisionError as e:
    result = repr(e.__context__)
# %% bare_reraise
def f():
    try:
        raise ValueError("again")
    except ValueError:
        print("handling")
        raise
f()
# %% reraise_without_active
raise
# %% raise_class_and_instance
for thing in (KeyError, KeyError("inst")):
    try:
        raise thing
    except KeyError as e:
        print(repr(e))
# %% raise_non_exception
raise 42
# %% custom_exception_class
class AppError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code
try:
    raise AppError(404, "not found")
except AppError as e:
    result = (e.code, str(e), e.args)
# %% exception_hierarchy_order
def classify(exc):
    try:
        raise exc
    except LookupError:
        return "lookup"
    except ArithmeticError:
        return "arith"
    except Exception:
        return "other"
result = [classify(e) for e in (KeyError(), OverflowError(), TypeError())]
# %% finally_runs_on_break_continue
out = []
for i in range(3):
    try:
        if i == 1:
            continue
        if i == 2:
            break
        out.append(i)
    finally:
        out.append(f"f{i}")
result = out
# %% finally_overrides_return
def f():
    try:
        return "try"
    finally:
        return "finally"
result = f()
# %% nested_try_in_finally
def f():
    log = []
    try:
        try:
            raise ValueError
        finally:
            log.append("inner finally")
    except ValueError:
        log.append("outer except")
    return log
result = f()
# %% exception_propagates_through_frames
def a(): b()
def b(): c()
def c(): raise LookupError("deep")
a()
# %% exception_in_except_block_propagates
try:
    raise ValueError("one")
except ValueError:
    raise TypeError("two")
# %% catch_non_exception_class
try:
    1 / 0
except int:
    pass
# %% exception_groups_except_star
try:
    raise ExceptionGroup("many", [ValueError("v1"), TypeError("t1"), ValueError("v2")])
except* ValueError as eg:
    print("values", [str(e) for e in eg.exceptions])
except* TypeError as eg:
    print("types", [str(e) for e in eg.exceptions])
# %% except_star_partial_reraise
try:
    try:
        raise ExceptionGroup("g", [ValueError(1), KeyError(2)])
    except* ValueError:
        print("handled values")
except ExceptionGroup as rest:
    result = (rest.message, [type(e).__name__ for e in rest.exceptions])
# %% except_star_naked_exception
try:
    raise ValueError("naked")
except* ValueError as eg:
    result = (type(eg).__name__, [str(e) for e in eg.exceptions])
# %% sys_exc_info_in_handler
import sys
try:
    raise KeyError("k")
except KeyError:
    print(sys.exc_info()[0].__name__, repr(sys.exc_info()[1]))
print(sys.exc_info())
# %% try_finally_with_return_value_in_loop
def f():
    for i in range(5):
        try:
            if i == 3:
                return i
        finally:
            print("cleanup", i)
result = f()
# %% exception_args_and_str
e = OSError(2, "No such file")
result = (e.errno, e.strerror, str(e), repr(KeyError("k")), str(KeyError("k")))
# %% assertion_error_message
def check(v):
    assert v > 0, f"bad value {v}"
try:
    check(-1)
except AssertionError as e:
    result = e.args
# %% exception_in_generator_expression
result = list(1 / x for x in (1, 0))
# %% stop_iteration_from_next
it = iter([])
next(it)
# %% attribute_error_message
class P:
    pass
P().missing
# %% raise_in_finally_replaces
def f():
    try:
        raise ValueError("original")
    finally:
        raise KeyError("from finally")
try:
    f()
except KeyError as e:
    result = (repr(e), repr(e.__context__))
