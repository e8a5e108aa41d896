"""Test fixture: an agent module whose import never finishes (a hung start-up).

The adapter must give up after its startTimeout, report ERR_START_FAILED and kill the process.
"""
import time

time.sleep(60)
