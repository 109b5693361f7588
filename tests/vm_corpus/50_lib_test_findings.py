# %% evaluate_functions_name_where_they_were_defined (3.14+)
# Found by test_type_params (TestEvaluateFunctions.test_signature): 3.14's evaluate_value,
# evaluate_bound, evaluate_default and evaluate_constraints are functions whose __qualname__ is
# that of the scope that declared the alias or parameter.
import inspect
class C:
    def m(self):
        type Alias = int
        def f[T: int = int, **P = int, *Ts = int](): pass
        T, P, Ts = f.__type_params__
        def g[U: (int, str)](): pass
        U, = g.__type_params__
        type Generic[V: str] = list[V]
        W, = Generic.__type_params__
        return [Alias.evaluate_value, T.evaluate_bound, T.evaluate_default, P.evaluate_default,
                Ts.evaluate_default, U.evaluate_constraints, Generic.evaluate_value, W.evaluate_bound]
cases = C().m()
print([case.__qualname__ for case in cases])
print([str(inspect.signature(case)) for case in cases])
result = [case(1) for case in cases]
# %% repeated_keyword_that_is_not_a_string
# Found by test_unpack_ex: a key repeated across ** mappings is reported as repeated (named by
# str(key)) before anything checks that keywords are strings.
def g(*args, **kwargs):
    return kwargs
class Same:
    def __eq__(self, other):
        return True
    def __hash__(self):
        return hash("x")
    def __str__(self):
        return "same"
calls = [lambda: g(**{1: 3}, **{1: 5}), lambda: g(x=1, **{Same(): 5}), lambda: g(**{1: 3}),
         lambda: g(**{"a": 1}, **{2: 5}), lambda: g(**{"a": 1}, **{"a": 2})]
for call in calls:
    try:
        print(call())
    except TypeError as e:
        print(e)
