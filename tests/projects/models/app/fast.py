from app.sampler import Sampler


class FastSampler(Sampler):
    pass
