"""A program under test whose console a test reads and types into, as a
person at the terminal would: start it, wait for text, send keys."""
import subprocess
import sys
import threading
import time


class ConsoleSession:
    def __init__(self, cmd, drop_cr=False):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = bytearray()
        self.lock = threading.Lock()
        self.drop_cr = drop_cr   # the firmware's console sends CR LF
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            b = self.p.stdout.read(1)
            if not b:
                return
            if self.drop_cr and b == b'\r':
                continue
            with self.lock:
                self.out.extend(b)

    def text(self):
        with self.lock:
            return self.out.decode(errors='replace')

    def wait_for(self, text, after=0, timeout=240):
        """The offset just past `text` in the output from `after` on; exits
        the test with the console's tail when it does not come."""
        t0 = time.time()
        while time.time() - t0 < timeout:
            with self.lock:
                i = self.out.find(text.encode(), after)
            if i >= 0:
                return i + len(text)
            if self.p.poll() is not None:
                time.sleep(0.2)
                with self.lock:
                    i = self.out.find(text.encode(), after)
                if i >= 0:
                    return i + len(text)
                break
            time.sleep(0.05)
        tail = self.text()[-3000:]
        self.p.kill()
        sys.exit('FAIL: did not see %r\n--- console tail ---\n%s' % (text, tail))

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def wait(self, timeout=120):
        rc = self.p.wait(timeout=timeout)
        return rc, self.p.stderr.read().decode(errors='replace')
