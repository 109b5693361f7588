# %% generic_function (3.12+)
def first[T](items: list[T]) -> T:
    return items[0]
result = (first([3, 4]), [p.__name__ for p in first.__type_params__], first.__type_params__[0].__infer_variance__)
# %% generic_class (3.12+)
class Box[T]:
    def __init__(self, item: T):
        self.item = item
    def get(self) -> T:
        return self.item
result = (Box(5).get(), [p.__name__ for p in Box.__type_params__], Box.__mro__[-2].__name__, Box[int].__origin__ is Box)
# %% bounded_and_constrained_type_parameters (3.12+)
def clamp[N: (int, float)](x: N) -> N:
    return x
def name_of[S: str](s: S) -> S:
    return s
result = (clamp.__type_params__[0].__constraints__, name_of.__type_params__[0].__bound__, clamp(3))
# %% type_alias_statement (3.12+)
type Pair = tuple[int, int]
type Mapping[K, V] = dict[K, list[V]]
result = (Pair.__name__, Pair.__value__, Mapping.__type_params__[0].__name__, Mapping[str, int])
# %% paramspec_and_typevartuple (3.12+)
def call[**P, R](f, *args: P.args, **kwargs: P.kwargs) -> R:
    return f(*args, **kwargs)
class Tup[*Ts]:
    pass
result = (call(max, 1, 5), [type(p).__name__ for p in call.__type_params__], type(Tup.__type_params__[0]).__name__)
# %% generic_method_sees_class_parameter (3.12+)
class Stack[T]:
    def __init__(self): self.items: list[T] = []
    def push[U](self, x: U) -> "Stack[T]":
        self.items.append(x)
        return self
result = (Stack().push(1).push(2).items, [p.__name__ for p in Stack.push.__type_params__])
# %% annotation_scope_sees_class_names (3.12+)
class C:
    X = int
    type Alias = list[X]
    def m[T](self, a: X) -> T:
        return a
result = (C.Alias.__value__, C().m(5), C.m.__annotations__["a"], C.m.__type_params__[0].__name__)
