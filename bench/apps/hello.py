"""The functions-framework floor: a hello-world HTTP function, nothing imported beyond it."""

import functions_framework


@functions_framework.http
def hello(request):  # type: ignore[no-untyped-def]
    return "Hello, World!"
