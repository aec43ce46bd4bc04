"""A bare Streamlit client over the websocket, as an attacker would drive the server without a browser.

It sends `rerun_script` messages (a page, a fragment id, forged widget values) with whatever
cookies it is given, and collects what the server answers until the run is over. Tests use it to
check what the server gives out, whatever a browser's page would have offered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import ClientConnection, connect

_OVER = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass
class Run:
    """What the server sent for one run (and the reruns it started itself)."""

    messages: list[ForwardMsg] = field(default_factory=list)

    @property
    def session_id(self) -> str | None:
        for msg in self.messages:
            if msg.HasField("new_session"):
                return msg.new_session.initialize.session_id
        return None

    def elements(self) -> list:
        return [m.delta.new_element for m in self.messages if m.HasField("delta") and m.delta.HasField("new_element")]

    def fragment_ids(self) -> set[str]:
        return {m.delta.fragment_id for m in self.messages if m.HasField("delta") and m.delta.fragment_id}

    def charts(self) -> list[dict]:
        """The plotly figures drawn, as their JSON specs."""
        return [json.loads(e.plotly_chart.spec) for e in self.elements() if e.WhichOneof("type") == "plotly_chart"]

    def texts(self) -> str:
        """Every element's serialised content, for searching what reached the client."""
        return "\n".join(str(e) for e in self.elements())

    def widget_id(self, kind: str, label: str) -> str:
        for element in self.elements():
            if element.WhichOneof("type") == kind and getattr(element, kind).label == label:
                return getattr(element, kind).id
        raise LookupError(f"no {kind} labelled {label!r}")

    def exceptions(self) -> list:
        return [e.exception for e in self.elements() if e.WhichOneof("type") == "exception"]


class StreamlitSocket:
    """One Streamlit session, opened with the given cookies (as a browser tab would be)."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None):
        headers = {"Origin": base_url}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        url = base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.socket: ClientConnection = connect(
            url, subprotocols=["streamlit"], additional_headers=headers, max_size=None, open_timeout=30
        ).__enter__()  # closed by close()

    def rerun(
        self,
        page: str = "",
        query: str = "",
        fragment_id: str = "",
        widgets: Iterable[WidgetState] = (),
        timeout: float = 60,
    ) -> Run:
        """Ask for a run (of a page, or of one fragment) and collect the answer until it is over."""
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        message.rerun_script.fragment_id = fragment_id
        message.rerun_script.widget_states.widgets.extend(widgets)
        self.socket.send(message.SerializeToString())
        run = Run()
        while True:
            answer = ForwardMsg()
            answer.ParseFromString(self.socket.recv(timeout=timeout))
            run.messages.append(answer)
            if answer.HasField("script_finished") and answer.script_finished in _OVER:
                return run

    def close(self) -> None:
        self.socket.close()

    def __enter__(self) -> StreamlitSocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def string_widget(widget_id: str, value: str) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.string_value = value
    return state
