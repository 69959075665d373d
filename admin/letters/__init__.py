"""The letter pages: the B1 check of draft letters, the register, the KCC's review, the figures and the word list."""
